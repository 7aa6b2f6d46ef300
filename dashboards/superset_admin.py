"""Jobs that run inside Superset's own environment, with its application context.

Started by dashboards/service.py as ``<superset venv>/bin/python dashboards/superset_admin.py
<command>``; it imports nothing from jingfen (Superset's environment does not have it), so the main
environment never imports Superset. Its input is the arguments and, on standard input, one JSON
object from service.py's Settings: ``admin_password``, ``demo_password`` (empty: no demo users)
and ``cities`` (the city codes that get a role). The passwords travel no other way: in no
variable, in no file written for Superset.

- ``import-bundle ZIP``: imports the bundle and overwrites databases, datasets, charts and
  dashboards. ``superset import-dashboards`` overwrites only the dashboards in 6.1 (it imports
  their charts and datasets with ``overwrite=False``), so an edited chart would never update.
- ``security``: roles, demo users, row-level security, and an empty Public role.
- ``prepare ZIP``: both, in one start of Superset's application (it takes ~10 s to load).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import yaml

DATABASE_NAME = "经分发布库"
CITY_ROLE_PREFIX = "analyst_"


def _app():
    from superset.app import create_app

    return create_app()


def import_bundle(path: Path, admin_password: str) -> None:
    from superset.commands.importers.v1.assets import ImportAssetsCommand
    from superset.extensions import db
    from superset.utils.core import override_user

    contents: dict[str, str] = {}
    with zipfile.ZipFile(path) as bundle:
        for name in bundle.namelist():
            if name.endswith("/"):
                continue
            inner = name.split("/", 1)[1]  # drop the root folder
            text = bundle.read(name).decode("utf-8")
            if inner == "metadata.yaml":
                metadata = yaml.safe_load(text)
                metadata["type"] = "assets"
                text = yaml.safe_dump(metadata)
            contents[inner] = text
    admin = _ensure_admin(admin_password)
    with override_user(admin):
        ImportAssetsCommand(contents).run()
    # Charts and dashboards belong to the admin, whoever imported them before.
    from superset.models.dashboard import Dashboard
    from superset.models.slice import Slice

    for model in (Dashboard, Slice):
        for item in db.session.query(model).all():
            if admin not in item.owners:
                item.owners.append(admin)
    db.session.commit()


def _ensure_admin(password: str):
    from superset import security_manager as sm
    from superset.extensions import db
    from werkzeug.security import generate_password_hash

    admin = sm.find_user(username="admin")
    if admin is None:
        sm.add_user("admin", "admin", "Jingfen", "admin@jingfen.invalid", [sm.find_role("Admin")],
                    password=password)  # fmt: skip
        admin = sm.find_user(username="admin")
    else:
        admin.password = generate_password_hash(password)
    db.session.commit()
    return admin


def _perm(sm, permission: str, view: str):
    return sm.add_permission_view_menu(permission, view)


def sync_security(cities: list[str], demo_password: str | None, admin_password: str) -> None:
    from flask_appbuilder.security.sqla.models import Role
    from superset import security_manager as sm
    from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable
    from superset.extensions import db
    from superset.models.core import Database
    from werkzeug.security import generate_password_hash

    database = db.session.query(Database).filter_by(database_name=DATABASE_NAME).one()
    datasets = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
    dataset_perms = [_perm(sm, "datasource_access", ds.get_perm()) for ds in datasets]
    database_perm = _perm(sm, "database_access", database.perm)

    def base(name: str) -> list:
        role = sm.find_role(name)
        return list(role.permissions) if role else []

    gamma, sql_lab, alpha = base("Gamma"), base("sql_lab"), base("Alpha")

    def role(name: str, permissions: list) -> Role:
        found = sm.find_role(name) or sm.add_role(name)
        unique = {p.id: p for p in permissions}
        found.permissions = [unique[k] for k in sorted(unique)]
        return found

    roles = {
        "engineer": role("engineer", [*alpha, *sql_lab, database_perm, *dataset_perms]),
        "manager": role("manager", [*gamma, *dataset_perms]),
        "analyst": role("analyst", [*gamma, *sql_lab, database_perm, *dataset_perms]),
    }
    for city in cities:
        roles[CITY_ROLE_PREFIX + city] = role(CITY_ROLE_PREFIX + city, [*gamma, *dataset_perms])
    # City roles that no longer match a city keep no permission.
    for stale in db.session.query(Role).filter(Role.name.like(CITY_ROLE_PREFIX + "%")).all():
        if stale.name not in roles:
            stale.permissions = []

    # Anonymous visitors: nothing.
    public = sm.find_role("Public")
    if public is not None:
        public.permissions = []

    # Row-level security: a city role sees its city's rows only; tables without a city (province
    # totals, ops) show it nothing rather than other cities' sums.
    city_sets = [ds for ds in datasets if "city_code" in {c.column_name for c in ds.columns}]
    province_sets = [ds for ds in datasets if ds not in city_sets]
    for rls in db.session.query(RowLevelSecurityFilter).all():
        if rls.name.startswith("jingfen_"):
            db.session.delete(rls)
    db.session.flush()
    for city in cities:
        city_role = roles[CITY_ROLE_PREFIX + city]
        db.session.add(
            RowLevelSecurityFilter(
                name=f"jingfen_city_{city}",
                description=f"{CITY_ROLE_PREFIX}{city} sees only city_code {city}.",
                filter_type="Regular",
                tables=city_sets,
                roles=[city_role],
                group_key="city",
                clause=f"city_code = '{city}'",
            )
        )
        db.session.add(
            RowLevelSecurityFilter(
                name=f"jingfen_city_{city}_no_province_totals",
                description="Province-wide tables have no city: a city role sees none of them.",
                filter_type="Regular",
                tables=province_sets,
                roles=[city_role],
                group_key="province_wide",
                clause="1 = 0",
            )
        )

    def user(username: str, role_names: list[str], password: str) -> None:
        found = sm.find_user(username=username)
        user_roles = [sm.find_role(n) for n in role_names]
        if found is None:
            sm.add_user(username, username, "Jingfen", f"{username}@jingfen.invalid", user_roles,
                        password=password)  # fmt: skip
        else:
            found.roles = user_roles
            found.password = generate_password_hash(password)
            found.active = True

    user("admin", ["Admin"], admin_password)
    if demo_password:
        user("engineer", ["engineer"], demo_password)
        user("manager", ["manager"], demo_password)
        user("analyst", ["analyst"], demo_password)
        for city in cities:
            user(CITY_ROLE_PREFIX + city, [CITY_ROLE_PREFIX + city], demo_password)
    db.session.commit()
    print(json.dumps({"roles": sorted(roles), "cities": cities}))


def main(argv: list[str]) -> int:
    command = argv[0]
    if command not in ("import-bundle", "security", "prepare"):
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    given = json.load(sys.stdin)
    app = _app()
    with app.app_context():
        if command in ("import-bundle", "prepare"):
            import_bundle(Path(argv[1]), given["admin_password"])
        if command in ("security", "prepare"):
            sync_security(given["cities"], given["demo_password"] or None,
                          given["admin_password"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
