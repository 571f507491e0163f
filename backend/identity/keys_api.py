"""Key login: security keys (WebAuthn) for people, Ed25519 challenge–response for systems and devices."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.auth import requires
from backend.core.enums import Assurance, Role
from backend.identity import client_keys, service, throttle, webauthn
from backend.identity.keys_schemas import (
    KeyChallengeArgsSchema,
    KeyChallengeSchema,
    KeyLoginSchema,
    SecurityKeyLoginOptionsSchema,
    SecurityKeyLoginSchema,
    SecurityKeyRegisterOptionsSchema,
    SecurityKeyRegisterSchema,
    SecurityKeySchema,
    WebAuthnOptionsSchema,
)
from backend.identity.schemas import TokenPairSchema

blp = Blueprint("keys", __name__, url_prefix="/api/v1/auth", description="密钥登录 Key login")

PEOPLE = tuple(role for role in Role if role != Role.SYSTEM_CLIENT)


@blp.route("/webauthn/register/options")
class SecurityKeyRegistrationOptions(MethodView):
    @throttle.key_endpoint
    @requires(*PEOPLE, national_may_write=True)
    @blp.arguments(SecurityKeyRegisterOptionsSchema)
    @blp.response(200, WebAuthnOptionsSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """Start registering a security key: the first needs the administrator's one-time enrolment
        code, more need a key session."""
        return webauthn.registration_options(actor=g.actor, **args)


@blp.route("/webauthn/register/verify")
class SecurityKeyRegistration(MethodView):
    @throttle.key_endpoint
    @requires(*PEOPLE, national_may_write=True)
    @blp.arguments(SecurityKeyRegisterSchema)
    @blp.response(201, SecurityKeySchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """Finish registering: the authenticator's attestation is verified and the key saved."""
        return webauthn.register_key(actor=g.actor, **args)


@blp.route("/webauthn/keys")
class SecurityKeys(MethodView):
    @requires(*PEOPLE)
    @blp.response(200, SecurityKeySchema(many=True))
    def get(self):
        """The caller's own security keys."""
        return webauthn.list_keys(actor=g.actor)


@blp.route("/webauthn/keys/<int(max=2147483647):security_key_id>")
class SecurityKey(MethodView):
    @requires(*PEOPLE, assurance=Assurance.KEY, national_may_write=True)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, security_key_id):
        """Remove one of the caller's own security keys (needs a key session)."""
        webauthn.delete_key(actor=g.actor, key_id=security_key_id)


@blp.route("/webauthn/login/options")
class SecurityKeyLoginOptions(MethodView):
    @throttle.key_endpoint
    @blp.arguments(SecurityKeyLoginOptionsSchema)
    @blp.response(200, WebAuthnOptionsSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """Start a security-key login for a user name."""
        return webauthn.login_options(**args)


@blp.route("/webauthn/login/verify")
class SecurityKeyLogin(MethodView):
    @throttle.key_endpoint
    @blp.arguments(SecurityKeyLoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """卡介质登录: verify the assertion; a token pair with assurance `key`."""
        subject = args["credential"].get("rawId") if isinstance(args["credential"], dict) else None
        with service.failed_login_audited("identity.key_login_failed", subject=subject or "unknown"):
            return webauthn.login_with_key(**args)


@blp.route("/key/challenge")
class ClientKeyChallenge(MethodView):
    @throttle.key_endpoint
    @blp.arguments(KeyChallengeArgsSchema)
    @blp.response(200, KeyChallengeSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """A single-use nonce for a registered Ed25519 client key."""
        return client_keys.issue_challenge(**args)


@blp.route("/key/login")
class ClientKeyLogin(MethodView):
    @throttle.key_endpoint
    @blp.arguments(KeyLoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args):
        """System client / device login: Ed25519 signature over the nonce; assurance `key`."""
        with service.failed_login_audited("identity.client_key_login_failed", subject=args["key_id"]):
            return client_keys.login(**args)
