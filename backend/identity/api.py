"""Login, refresh, logout and who-am-I."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import EVERYONE, requires
from backend.identity import password_policy, service
from backend.identity.schemas import (
    MeSchema,
    PasswordChangeSchema,
    PasswordLoginSchema,
    RefreshSchema,
    TokenPairSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌 Login and tokens")


@blp.route("/login")
class PasswordLogin(MethodView):
    @blp.arguments(PasswordLoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """Password login (账号登录): assurance `password`, the declaration module only."""
        return service.login_with_password(**args)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, args):
        """Exchange a refresh token for a new token pair (the old refresh token is spent)."""
        return service.refresh_session(**args)


@blp.route("/logout")
class Logout(MethodView):
    @requires(*EVERYONE, national_may_write=True)
    @blp.response(204)
    def post(self):
        """Revoke this session's access and refresh tokens."""
        service.logout(actor=g.actor)


@blp.route("/password")
class OwnPassword(MethodView):
    @requires(*EVERYONE, national_may_write=True)
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, args):
        """修改密码 Change one's own password: needs the current one; the new one meets the policy (10+
        characters, not common, not the user name, not one character class); the user's other sessions end."""
        password_policy.change_own_password(actor=g.actor, **args)


@blp.route("/me")
class Me(MethodView):
    @requires(*EVERYONE)
    @blp.response(200, MeSchema)
    def get(self):
        """The logged-in user, role, scope and assurance."""
        user = service.get_user(actor=g.actor)
        return {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "enterprise": user.enterprise,
            "district_code": user.district_code,
            "assurance": str(g.actor.assurance),
        }
