"""系统管理 System administration: districts, enterprises, qualifications, users and their keys.

Administrators only, within their own district. Reading needs a login; every change needs a key login.
"""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.core.export_routes import export_routes
from backend.identity import admin_exports, admin_service, client_keys, enrolment, users_admin
from backend.identity.admin_schemas import (
    ClientKeyCreateSchema,
    ClientKeyListArgsSchema,
    ClientKeySchema,
    DistrictSchema,
    EnterpriseCreateSchema,
    EnterpriseExportArgsSchema,
    EnterpriseListArgsSchema,
    EnterpriseSchema,
    EnterpriseUpdateSchema,
    ExpiringArgsSchema,
    ExpiringQualificationSchema,
    PasswordSetSchema,
    QualificationCreateSchema,
    QualificationSchema,
    QualificationUpdateSchema,
    UserCreateSchema,
    UserExportArgsSchema,
    UserListArgsSchema,
    UserSchema,
    UserUpdateSchema,
)
from backend.identity.keys_schemas import EnrolmentCodeSchema, SecurityKeySchema

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="系统管理 Administration")

ADMIN = Role.ADMINISTRATOR
KEY = Assurance.KEY
ENTERPRISE = "/enterprises/<int(max=2147483647):enterprise_id>"
USER = "/users/<int(max=2147483647):user_id>"


@blp.route("/districts")
class Districts(MethodView):
    @requires(ADMIN)
    @blp.response(200, DistrictSchema(many=True))
    def get(self):
        """关区 Customs districts."""
        return admin_service.list_districts()


@blp.route("/enterprises")
class Enterprises(MethodView):
    @requires(ADMIN)
    @blp.arguments(EnterpriseListArgsSchema, location="query")
    @blp.response(200, EnterpriseSchema(many=True))
    def get(self, args):
        """Enterprises of the administrator's district, by id."""
        return admin_service.list_enterprises(actor=g.actor, **args)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(EnterpriseCreateSchema)
    @blp.response(201, EnterpriseSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """Register an enterprise by its 10-character customs code."""
        return admin_service.create_enterprise(actor=g.actor, **args)


@blp.route("/qualifications/expiring")
class ExpiringQualifications(MethodView):
    @requires(ADMIN)
    @blp.arguments(ExpiringArgsSchema, location="query")
    @blp.response(200, ExpiringQualificationSchema(many=True))
    def get(self, args):
        """Qualifications of the district's enterprises expiring within `days` (60) or expired."""
        return admin_service.expiring_qualifications(actor=g.actor, **args)


@blp.route(ENTERPRISE)
class EnterpriseItem(MethodView):
    @requires(ADMIN)
    @blp.response(200, EnterpriseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, enterprise_id):
        """One enterprise."""
        return admin_service.get_enterprise(actor=g.actor, enterprise_id=enterprise_id)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(EnterpriseUpdateSchema)
    @blp.response(200, EnterpriseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, args, enterprise_id):
        """Change an enterprise's data."""
        return admin_service.update_enterprise(actor=g.actor, enterprise_id=enterprise_id, **args)


@blp.route(f"{ENTERPRISE}/qualifications")
class Qualifications(MethodView):
    @requires(ADMIN)
    @blp.response(200, QualificationSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, enterprise_id):
        """企业资质 The enterprise's qualifications."""
        return admin_service.list_qualifications(actor=g.actor, enterprise_id=enterprise_id)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(QualificationCreateSchema)
    @blp.response(201, QualificationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args, enterprise_id):
        """Record a qualification (type from the catalog, number, holder, validity)."""
        return admin_service.add_qualification(actor=g.actor, enterprise_id=enterprise_id, **args)


@blp.route(f"{ENTERPRISE}/qualifications/<int(max=2147483647):qualification_id>")
class QualificationItem(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.arguments(QualificationUpdateSchema)
    @blp.response(200, QualificationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, args, enterprise_id, qualification_id):
        """Correct a qualification."""
        return admin_service.update_qualification(
            actor=g.actor, enterprise_id=enterprise_id, qualification_id=qualification_id, **args
        )


@blp.route("/users")
class Users(MethodView):
    @requires(ADMIN)
    @blp.arguments(UserListArgsSchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, args):
        """Users the administrator manages, by id."""
        return users_admin.list_users(actor=g.actor, **args)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """Create a user with a role: enterprise users need an enterprise, others a district."""
        return users_admin.create_user(actor=g.actor, **args)


@blp.route(USER)
class UserItem(MethodView):
    @requires(ADMIN)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, user_id):
        """One user."""
        return users_admin.get_user(actor=g.actor, user_id=user_id)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, args, user_id):
        """Change a user's display name, e-mail or phone."""
        return users_admin.update_user(actor=g.actor, user_id=user_id, **args)


@blp.route(f"{USER}/password")
class UserPassword(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.arguments(PasswordSetSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, args, user_id):
        """Set a user's password (their sessions end)."""
        return users_admin.set_password(actor=g.actor, user_id=user_id, **args)


@blp.route(f"{USER}/deactivate")
class UserDeactivation(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, user_id):
        """Deactivate a user: every token is revoked at once."""
        return users_admin.set_active(actor=g.actor, user_id=user_id, active=False)


@blp.route(f"{USER}/reactivate")
class UserReactivation(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, user_id):
        """Reactivate a user."""
        return users_admin.set_active(actor=g.actor, user_id=user_id, active=True)


@blp.route(f"{USER}/enrolment-code")
class UserEnrolmentCode(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.response(201, EnrolmentCodeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, user_id):
        """Issue a one-time enrolment code for a person's first security key (shown once, 24 h)."""
        return enrolment.issue_enrolment_code(actor=g.actor, user_id=user_id)


@blp.route(f"{USER}/security-keys")
class UserSecurityKeys(MethodView):
    @requires(ADMIN)
    @blp.response(200, SecurityKeySchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, user_id):
        """A user's security keys (WebAuthn), by id."""
        return users_admin.list_security_keys(actor=g.actor, user_id=user_id)


@blp.route(f"{USER}/security-keys/<int(max=2147483647):security_key_id>")
class UserSecurityKey(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, user_id, security_key_id):
        """Revoke a user's lost security key: it is removed and can no longer log in."""
        users_admin.revoke_security_key(actor=g.actor, user_id=user_id, security_key_id=security_key_id)


@blp.route("/client-keys")
class ClientKeys(MethodView):
    @requires(ADMIN)
    @blp.arguments(ClientKeyListArgsSchema, location="query")
    @blp.response(200, ClientKeySchema(many=True))
    def get(self, args):
        """Ed25519 keys of system clients and devices the administrator manages."""
        return client_keys.list_client_keys(actor=g.actor, **args)

    @requires(ADMIN, assurance=KEY)
    @blp.arguments(ClientKeyCreateSchema)
    @blp.response(201, ClientKeySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args):
        """Register a client's Ed25519 public key for key login."""
        return client_keys.register_client_key(actor=g.actor, **args)


@blp.route("/client-keys/<int(max=2147483647):client_key_id>/revoke")
class ClientKeyRevocation(MethodView):
    @requires(ADMIN, assurance=KEY)
    @blp.response(200, ClientKeySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, client_key_id):
        """Revoke a client key (kept for the record)."""
        return client_keys.revoke_client_key(actor=g.actor, client_key_id=client_key_id)


export_routes(
    blp,
    "/users",
    title="Users",
    args_schema=UserExportArgsSchema,
    guard=requires(ADMIN),
    export=lambda **args: admin_exports.export_users(actor=g.actor, **args),
)
export_routes(
    blp,
    "/enterprises",
    title="Enterprises",
    args_schema=EnterpriseExportArgsSchema,
    guard=requires(ADMIN),
    export=lambda **args: admin_exports.export_enterprises(actor=g.actor, **args),
)
