"""Base schemas: strict, unknown fields refused, text cleaned and values bounded once, the error shape
documented once."""

import math
from datetime import UTC, date, datetime
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, missing, pre_load, validate
from marshmallow.decorators import PRE_LOAD
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from backend.core.text import TextRefused, clean_text, is_code_field, is_secret_field, printable_key

# Dates a customs document can carry. Wider ones (year 1, 9999) overflow when converted to UTC or
# shifted by a day in a query, and are typing errors anyway.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
# No Decimal column is wider than Numeric(18, 3): 15 digits before the point.
DECIMAL_LIMIT = Decimal(10) ** 15


def _clean_value(value, *, code: bool, secret: bool = False):
    """(cleaned value, errors or None) for a JSON value: strings cleaned, containers walked."""
    if isinstance(value, str):
        try:
            return clean_text(value, code=code, secret=secret), None
        except TextRefused as exc:
            return value, [str(exc)]
    if isinstance(value, dict):
        return _clean_mapping(value)
    if isinstance(value, list):
        cleaned, errors = [], {}
        for index, item in enumerate(value):
            item, problem = _clean_value(item, code=code)
            cleaned.append(item)
            if problem:
                errors[index] = problem
        return cleaned, errors or None
    return value, None


def _clean_mapping(data: dict):
    cleaned, errors = {}, {}
    for key, value in data.items():
        rules = _KEY_RULES.get(key) if type(key) is str else None
        if rules is None:
            original = key
            if isinstance(key, str):
                try:
                    key = clean_text(key)
                except TextRefused as exc:
                    errors[printable_key(key)] = [str(exc)]
                    continue
            named = isinstance(key, str)
            rules = (key, named and is_code_field(key), named and is_secret_field(key))
            if type(original) is str and len(_KEY_RULES) < 4096:  # keys repeat: an envelope's, a body's
                _KEY_RULES[original] = rules
        key, code, secret = rules
        kind = type(value)
        if kind is str and value.isascii() and "\x00" not in value:  # clean_text's first steps
            cleaned[key] = value.strip() if code else value
            continue
        if kind in _SCALARS:  # no text in it
            cleaned[key] = value
            continue
        value, problem = _clean_value(value, code=code, secret=secret)
        if problem:
            errors[printable_key(key) if isinstance(key, str) else key] = problem
        cleaned[key] = value
    return cleaned, errors or None


_SCALARS = frozenset({int, float, bool, type(None)})
# A text key as it is cleaned, whether it names a code field, whether a secret: (key, code, secret).
_KEY_RULES: dict[str, tuple] = {}


def _out_of_range() -> ValidationError:
    return ValidationError(
        f"日期须在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间 / must lie between {EARLIEST_DATE} and {LATEST_DATE}"
    )


def _date_in_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _out_of_range()


def _datetime_in_range(value: datetime) -> None:
    try:  # 0001-01-01T00:00:00+08:00 has no UTC form
        day = value.astimezone(UTC).date() if value.tzinfo else value.date()
    except OverflowError:
        raise _out_of_range() from None
    _date_in_range(day)


def _decimal_in_range(value: Decimal) -> None:
    if not value.is_finite() or abs(value) >= DECIMAL_LIMIT:
        raise ValidationError("数值须小于 10^15 / must be finite and smaller than 10^15 in magnitude")


def _check(field_obj: fields.Field, check) -> None:
    """Add a bound check once: schema instances share their fields' validator lists, so appending at
    every binding made the list (and each validation) grow with every schema made in the process."""
    if check not in field_obj.validators:
        field_obj.validators = [*field_obj.validators, check]


class CleanedText(dict):
    """A JSON object whose text an enclosing schema's pre-load already cleaned with the same rules and
    field names (the sync push envelope walks each operation's body): not walked a second time."""


class StrictSchema(Schema):
    """The base of every input schema: unknown fields refused, text cleaned, dates and decimals bounded.

    Text (backend/core/text.py): NUL, lone surrogates and bidi override/isolate controls are refused
    (422), other invisible format characters removed, code fields (…_code, …_no, …) NFKC-normalised.
    Dates and datetimes lie between EARLIEST_DATE and LATEST_DATE, decimals below DECIMAL_LIMIT, so no
    input overflows a conversion or a column. Use strict=True on Integer fields of JSON bodies.
    """

    class Meta:
        unknown = RAISE
        ordered = True

    def on_bind_field(self, field_name, field_obj):
        if isinstance(field_obj, fields.DateTime):
            _check(field_obj, _datetime_in_range)
        elif isinstance(field_obj, fields.Date):
            _check(field_obj, _date_in_range)
        elif isinstance(field_obj, fields.Decimal):
            _check(field_obj, _decimal_in_range)

    @pre_load
    def _clean_text(self, data, **kwargs):
        if type(data) is CleanedText:
            return data
        if isinstance(data, MultiDictProxy):  # query string or form: keep repeated keys for List fields
            source = data.data
            items = source.items(multi=True) if isinstance(source, MultiDict) else source.items()
            pairs = [(key, _clean_value(value, code=is_code_field(key))) for key, value in items]
            errors = {printable_key(key): problem for key, (_, problem) in pairs if problem}
            cleaned = MultiDictProxy(MultiDict([(key, value) for key, (value, _) in pairs]), self)
        elif isinstance(data, dict):
            cleaned, errors = _clean_mapping(data)
        else:
            return data
        if errors:
            raise ValidationError(errors)
        return cleaned


class ErrorSchema(Schema):
    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    error = fields.String(metadata={"description": "stable dotted error code, e.g. auth.key_required"})
    message = fields.String(metadata={"description": "zh-CN or en by Accept-Language"})
    errors = fields.Dict(metadata={"description": "field path -> messages"})
    detail = fields.Raw(metadata={"description": "structured detail, e.g. both versions of a conflict"})


class PageArgsSchema(StrictSchema):
    """Keyset pagination: pass next_cursor from the previous page as cursor.

    A query-string schema: its values arrive as strings, so Integer must not be strict here. Unknown
    query keys are refused (backend/core/api.py makes the parser follow the schema's `unknown`).
    Validators must raise (validate.Range, …): marshmallow 4 ignores one that merely returns False.
    """

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))


def _plain_loadable(schema: Schema) -> bool:
    """Whether `schema.load()` of text already cleaned is its fields' deserialisation and nothing more:
    no hook but the text cleaning, no load of its own, unknown fields refused, no renamed field."""
    known = getattr(schema, "_chajian_plain", None)
    if known is None:
        hooks = {tag: names for tag, names in schema._hooks.items() if names}
        known = (
            set(hooks) <= {PRE_LOAD}
            and [name for name, *_ in hooks.get(PRE_LOAD, [])] in ([], ["_clean_text"])
            and type(schema).load is Schema.load
            and type(schema)._do_load is Schema._do_load
            and schema.unknown == RAISE
            and not schema.many
            and not schema.partial
            and all(f.data_key is None and f.attribute is None for f in schema.load_fields.values())
        )
        schema._chajian_plain = known
    return known


def load_cleaned(schema: Schema, data: CleanedText | dict) -> dict:
    """What `schema.load(data)` returns for `data` whose text an enclosing load already cleaned, without
    marshmallow's per-schema machinery (a third of a sync push's time): each field deserialised as
    the schema would, nested plain schemas walked the same way.

    Raises ValidationError for anything it does not accept as it is — refused or not plainly loadable —
    without the schema's error messages: the caller then loads with `schema.load()`, whose verdict and
    messages are the answer. What it returns equals what `schema.load()` returns.
    """
    plan = schema.__dict__.get("_chajian_plan") or _plan(schema)
    if plan is _NOT_PLAIN or not isinstance(data, dict):
        raise ValidationError("not plainly loadable")
    names, steps = plan
    if not data.keys() <= names:
        raise ValidationError("unknown field")
    out = {}
    for name, nested, loader in steps:
        value = data.get(name, missing)
        if nested is not None and isinstance(value, dict):
            value = load_cleaned(nested, value)
        else:
            value = loader(value, name, data)
        if value is not missing:
            out[name] = value
    return out


_NOT_PLAIN = ("not plainly loadable",)


def _plan(schema: Schema):
    """How load_cleaned() loads with this schema, worked out once per schema instance: the field
    names, and per field its name, its nested plain schema (walked when given an object) and its loader."""
    if not _plain_loadable(schema):
        plan = _NOT_PLAIN
    else:
        steps = []
        for name, field_obj in schema.load_fields.items():
            nested = None
            if (
                type(field_obj) is fields.Nested
                and not field_obj.many
                and not field_obj.validators
                and field_obj.unknown is None
                and not field_obj.only
                and not field_obj.exclude
                and _plain_loadable(field_obj.schema)
            ):
                nested = field_obj.schema
            steps.append((name, nested, _loader(field_obj)))
        plan = (frozenset(schema.load_fields), tuple(steps))
    schema._chajian_plan = plan
    return plan


# Field classes whose deserialisation returns a value of exactly this type unchanged (a str for String;
# an int, not a bool, for Integer; a finite float for Float): the loader takes it as it is, then runs
# the validators. A subclass that only refuses more types says so with `loads_unchanged = <type>`.
_UNCHANGED = {fields.String: str, fields.Integer: int, fields.Float: float}


def _loader(field_obj: fields.Field):
    """`field_obj.deserialize` as it runs on a plain field (no field-level hooks): the same steps in the
    same order, without building marshmallow's `And` of its validators at every call. It stops at the
    first refusal; the caller then asks marshmallow, whose messages are the answer."""
    loader = field_obj.__dict__.get("_chajian_loader")
    if loader is not None:
        return loader
    kind = type(field_obj)
    if (
        field_obj.pre_load
        or field_obj.post_load
        or kind.deserialize is not fields.Field.deserialize
        or kind._validate is not fields.Field._validate
        or kind._validate_missing is not fields.Field._validate_missing  # fields.Constant's
    ):
        loader = field_obj.deserialize
    else:
        deserialize, validators = field_obj._deserialize, tuple(field_obj.validators)
        required, allow_none, default = field_obj.required, field_obj.allow_none, field_obj.load_default
        unchanged = _UNCHANGED.get(kind) or kind.__dict__.get("loads_unchanged")
        finite = unchanged is float and not field_obj.allow_nan  # Float refuses NaN and infinities

        def loader(value, attr, data):
            if type(value) is unchanged and (not finite or math.isfinite(value)):
                for validator in validators:
                    validator(value)
                return value
            if value is missing:
                if required:
                    raise ValidationError("required")
                return default() if callable(default) else default
            if value is None:
                if allow_none:
                    return None
                raise ValidationError("null")
            output = deserialize(value, attr, data)
            for validator in validators:
                validator(output)
            return output

    field_obj._chajian_loader = loader
    return loader
