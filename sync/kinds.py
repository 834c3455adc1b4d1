"""Workbook kinds: load a schema file into fields, aliases, key, ownership and vocabularies."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sync.errors import SchemaError
from sync.notices import notice
from sync.rulespec import SPECS, Param, RuleSpec

FIELD_TYPES = ("text", "ref", "date", "number", "integer")
OWNERS = ("partner", "coordinator")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


_SPACES = re.compile(r"[\s\u00a0]+")
_NOT_HEADER_CHARS = re.compile(r"[^a-z0-9/ ]")
_SLASH = re.compile(r"\s*/\s*")
_TERM_GAPS = re.compile(r"[\s\-_.]+")


def normalise_header(text: object) -> str:
    """Header text reduced for matching: "Progress / Comments:" == "progress/comments"."""
    return _normalised_header(str(text or ""))


# Finding the header tries every cell of a workbook's first rows against every alias, and
# three hundred returns repeat the same few dozen headers: each text is reduced once.
@lru_cache(maxsize=4096)
def _normalised_header(text: str) -> str:
    s = text.strip().lower().replace("&", " and ")
    s = _SPACES.sub(" ", s)
    s = _NOT_HEADER_CHARS.sub("", s)
    s = _SLASH.sub("/", s)
    return s.strip()


def normalise_term(text: object) -> str:
    """A vocabulary term reduced for matching: case, spaces and hyphens ignored."""
    return _TERM_GAPS.sub(" ", str(text or "").strip().lower()).strip()


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a kind: its type, the headers officers give it, who may edit it."""

    name: str
    title: str
    type: str = "text"
    required: bool = False
    owner: str = "partner"
    aliases: tuple[str, ...] = ()
    vocabulary: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)
    history: bool = False
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    example: str | None = None  # a value as officers write it, for messages
    periods: bool = False  # may be spread over column groups, one per period (Q1 ... Q4)

    def __hash__(self) -> int:
        return hash((self.name, self.title, self.type, self.owner, self.aliases))

    @property
    def partner_edits(self) -> bool:
        return self.owner == "partner"

    def canonical(self, value: object) -> str | None:
        """The vocabulary's canonical term for `value`, or None when it is not in it."""
        return self._lookup().get(normalise_term(value))

    def _lookup(self) -> dict[str, str]:
        return _vocab_lookup(self)

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(self.vocabulary)


@cache
def _vocab_lookup(f: Field) -> dict[str, str]:
    table: dict[str, str] = {}
    for canon, synonyms in f.vocabulary.items():
        for term in (canon, *synonyms):
            table.setdefault(normalise_term(term), canon)
    return table


@dataclass(frozen=True, slots=True)
class Rule:
    """A cross-field rule named in the schema file, with its parameters: those the file
    gives, and the rest taken from the kind's roles (see sync.rules)."""

    rule: str
    field: str | None = None
    when: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)
    unless: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)
    params: Mapping[str, Any] = dc_field(default_factory=dict)  # name -> field(s) or values

    def __hash__(self) -> int:
        return hash((self.rule, self.field))


# The parts a field may play, named under `roles:` in a schema file; and what each means.
ROLES: dict[str, str] = {
    "partner": "whose record it is, in a master kept for several partners",
    "title": "what a record is, as a report shows it",
    "status": "where a record stands",
    "done": "the statuses that mean a record is finished (a list of the status's values)",
    "rag": "the red, amber or green rating",
    "updated": "the date a record was last updated",
    "due": "the date a record is overdue after, unless it is done",
    "lead": "who is responsible for a record",
    "notes": "the dated commentary or latest position, as the report quotes it",
    "theme": "the theme or section a record belongs to, as the report groups it",
    "period": "the reporting period; periods sort by the numbers in them (2008/09 Q2 < Q10)",
    "actual": "the value achieved in the period",
    "target": "the value aimed for in the period",
    "polarity": "whether higher or lower is better",
    "lower_better": "the polarity values meaning lower is better (a list of polarity's values)",
    "likelihood": "how likely a risk is, before mitigation",
    "impact": "how bad a risk would be, before mitigation",
    "score": "a risk's score, before mitigation",
    "likelihood_after": "how likely a risk is, after mitigation",
    "impact_after": "how bad a risk would be, after mitigation",
    "score_after": "a risk's score, after mitigation",
    "mitigation": "what is being done about a risk",
    "escalated": "the statuses that mean a record is escalated (a list of the status's values)",
}
# roles holding values, not a field: each lists values of the field playing the other role
VALUE_ROLES = {"done": "status", "escalated": "status", "lower_better": "polarity"}


@dataclass(frozen=True, slots=True)
class Kind:
    """A workbook kind: everything xlsync knows about one sort of council spreadsheet."""

    name: str
    title: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    description: str = ""
    sheet_hints: tuple[str, ...] = ()
    source: str = ""
    roles: Mapping[str, str] = dc_field(default_factory=dict)  # role -> field
    done: tuple[str, ...] = ()  # the status values that mean finished
    role_values: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)  # see VALUE_ROLES

    def __hash__(self) -> int:
        return hash((self.name, self.source))

    def role(self, name: str) -> str | None:
        """The field playing role `name` (see ROLES), or None when no field does."""
        return self.roles.get(name)

    def values_of(self, role: str) -> tuple[str, ...]:
        """The values a value role (done, escalated, lower_better) lists; () when none."""
        return self.done if role == "done" else tuple(self.role_values.get(role, ()))

    @property
    def history_fields(self) -> tuple[str, ...]:
        """The fields whose earlier values are kept as history when a merge changes them."""
        return tuple(f.name for f in self.fields if f.history)

    def rules_named(self, name: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.rule == name)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def partner_field(self) -> str | None:
        """The field saying whose record it is, in a master kept for several partners."""
        return self.roles.get("partner")

    @property
    def identity(self) -> tuple[str, ...]:
        """The key's fields other than the partner: what tells one partner's records apart."""
        return tuple(n for n in self.key if n != self.partner_field) or (self.required[0],)

    @property
    def record_field(self) -> str:
        """The field whose presence makes a row a record (the first key field after partner)."""
        return self.identity[0]

    def alias_table(self) -> dict[str, str]:
        """Normalised header text -> field name; a field's own name and title count too."""
        return _alias_table(self)


@cache
def _alias_table(kind: Kind) -> dict[str, str]:
    table: dict[str, str] = {}
    for f in kind.fields:
        for alias in (f.title, f.name.replace("_", " "), *f.aliases):
            table.setdefault(normalise_header(alias), f.name)
    return table


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return (str(value),)
    return tuple(str(v) for v in value)


def kind_from_dict(data: Mapping[str, Any], source: str = "") -> Kind:
    """Build a Kind from a parsed schema file, with one-line errors for every mistake."""

    def fail(msg: str) -> SchemaError:
        return SchemaError(msg, source or None)

    if not isinstance(data, Mapping):
        raise fail("a schema file must be a mapping with name, key and fields")
    name = str(data.get("name") or "").strip()
    if not name:
        raise fail("the schema has no name")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, Mapping) or not raw_fields:
        raise fail(f"schema {name!r} has no fields")
    fields = tuple(_field(str(fname), spec or {}, fail) for fname, spec in raw_fields.items())
    names = {f.name for f in fields}
    key = _as_tuple(data.get("key")) or (fields[0].name,)
    for k in key:
        if k not in names:
            raise fail(f"key field {k!r} is not one of the schema's fields")
    if not any(f.required for f in fields):
        raise fail(f"schema {name!r} needs at least one required field")
    roles, values = _roles(data.get("roles"), fields, fail)
    done = values.get("done", ())
    rules = tuple(
        _rule(item, names, roles, done, source or "schema", fail)
        for item in data.get("rules") or []
    )
    return Kind(
        name=name,
        title=str(data.get("title") or name),
        fields=fields,
        key=key,
        rules=rules,
        description=" ".join(str(data.get("description") or "").split()),
        sheet_hints=_as_tuple(data.get("sheet_hints")),
        source=source,
        roles=roles,
        done=done,
        role_values=values,
    )


def _field(fname: str, spec: Any, fail: Any) -> Field:
    if not _FIELD_NAME.match(fname):
        raise fail(f"field name {fname!r} must be lower_case letters, digits and _")
    if not isinstance(spec, Mapping):
        raise fail(f"field {fname!r} must be a mapping")
    ftype = str(spec.get("type", "text"))
    if ftype not in FIELD_TYPES:
        raise fail(f"field {fname!r} has type {ftype!r}; use one of {', '.join(FIELD_TYPES)}")
    owner = str(spec.get("owner", "partner"))
    if owner not in OWNERS:
        raise fail(f"field {fname!r} has owner {owner!r}; use partner or coordinator")
    vocab_raw = spec.get("vocabulary") or {}
    if isinstance(vocab_raw, list):
        vocab_raw = {str(v): [] for v in vocab_raw}
    if not isinstance(vocab_raw, Mapping):
        raise fail(f"field {fname!r}: vocabulary must be a list or a mapping")
    pattern = spec.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise fail(f"field {fname!r}: pattern is not a regular expression ({exc})") from None
    example = spec.get("example")
    return Field(
        name=fname,
        title=str(spec.get("title") or fname.replace("_", " ").title()),
        type=ftype,
        required=bool(spec.get("required", False)),
        owner=owner,
        aliases=_as_tuple(spec.get("aliases")),
        vocabulary={str(k): _as_tuple(v) for k, v in vocab_raw.items()},
        history=bool(spec.get("history", False)),
        pattern=None if pattern is None else str(pattern),
        min=None if spec.get("min") is None else float(spec["min"]),
        max=None if spec.get("max") is None else float(spec["max"]),
        example=None if example is None else str(example),
        periods=bool(spec.get("periods", False)),
    )


def _roles(
    raw: Any, fields: tuple[Field, ...], fail: Any
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The `roles:` mapping: each role names one of the fields; a value role (`done`,
    `escalated`, `lower_better`) lists values of the field playing the role it belongs to."""
    if raw is None:
        return {}, {}
    if not isinstance(raw, Mapping):
        raise fail("roles must be a mapping of role to field, such as 'status: status'")
    by_name = {f.name: f for f in fields}
    roles: dict[str, str] = {}
    for role, value in raw.items():
        role = str(role)
        if role not in ROLES:
            raise fail(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        if role in VALUE_ROLES:
            continue
        if not isinstance(value, str) or value not in by_name:
            raise fail(f"role {role!r} names field {value!r}, which the schema lacks")
        roles[role] = value
    values: dict[str, tuple[str, ...]] = {}
    for role, owner in VALUE_ROLES.items():
        listed = _as_tuple(raw.get(role))
        if not listed:
            continue
        holder = by_name.get(roles.get(owner, ""))
        if holder is None:
            raise fail(f"role {role!r} lists {owner} values, but no field has the role {owner!r}")
        if holder.vocabulary:
            for value in listed:
                if value not in holder.vocabulary:
                    raise fail(
                        f"role {role!r} lists {value!r}, which is not one of {holder.name}'s "
                        f"values ({', '.join(holder.vocabulary)})"
                    )
        values[role] = listed
    return roles, values


def _rule(
    item: Any,
    names: set[str],
    roles: Mapping[str, str],
    done: tuple[str, ...],
    where: str,
    fail: Any,
) -> Rule:
    """One entry of `rules:`, its parameters checked and the missing ones taken from roles."""
    name, impl = _rule_spec(item, where, fail)
    given = _given_params(item, name, impl, fail)
    params = {
        param: _param(name, param, spec, given.get(param), roles, done, fail)
        for param, spec in impl.params.items()
    }
    status = roles.get("status")
    if_done = {status: done} if status and done else {}
    rule = Rule(
        rule=name,
        field=_rule_field(item.get("field"), name, impl, roles, fail),
        when=_conditions(item.get("when"), if_done if impl.when_done else {}),
        unless=_conditions(item.get("unless"), if_done if impl.unless_done else {}),
        params=params,
    )
    for fname in _fields_named(rule, impl):
        if fname not in names:
            raise fail(f"rule {name!r} names field {fname!r}, which the schema lacks")
    return rule


def _rule_spec(item: Any, where: str, fail: Any) -> tuple[str, RuleSpec]:
    """The rule an entry names, and what that rule takes."""
    if not isinstance(item, Mapping) or "rule" not in item:
        raise fail(f"each rule in {where} needs a 'rule' name")
    name = str(item["rule"])
    impl = SPECS.get(name)
    if impl is None:
        raise fail(f"unknown rule {name!r}; known rules: {', '.join(sorted(SPECS))}")
    return name, impl


_COMMON_PARAMS = ("rule", "field", "when", "unless")


def _given_params(item: Mapping[Any, Any], name: str, impl: RuleSpec, fail: Any) -> dict[str, Any]:
    """The rule's own parameters as the entry gives them; one it does not take is refused."""
    given = {str(k): v for k, v in item.items() if k not in _COMMON_PARAMS}
    for param in given:
        if param not in impl.params:
            known = ", ".join([*_COMMON_PARAMS[1:], *impl.params])
            raise fail(f"rule {name!r} has no parameter {param!r}; it takes {known}")
    return given


def _param(
    name: str,
    param: str,
    spec: Param,
    value: Any,
    roles: Mapping[str, str],
    done: tuple[str, ...],
    fail: Any,
) -> Any:
    """A parameter's value: as given, else its role's field or values; a field parameter is
    one name (or None), the others a tuple."""
    if value is None and spec.role is not None:
        value = done if spec.role == "done" else roles.get(spec.role)
    if value is None or value == ():
        if spec.required:
            how = f"role {spec.role!r} or " if spec.role else ""
            raise fail(f"rule {name!r} needs its {param!r}: give the {how}parameter {param!r}")
        value = () if spec.sort != "field" else None
    return value if spec.sort == "field" else _as_tuple(value)


def _rule_field(
    given: Any, name: str, impl: RuleSpec, roles: Mapping[str, str], fail: Any
) -> str | None:
    """The field a rule points at: as given, else the field playing the rule's role."""
    field = given
    if field is None and impl.field_role is not None:
        field = roles.get(impl.field_role)
        if field is None:
            raise fail(f"rule {name!r} needs a field: give 'field' or the role {impl.field_role!r}")
    return None if field is None else str(field)


def _fields_named(rule: Rule, impl: RuleSpec) -> list[str]:
    """Every field a rule reads: its own, its conditions', then its field parameters'."""
    sorts = {param: impl.params[param].sort for param in rule.params}
    named: list[str | None] = [
        rule.field,
        *rule.when,
        *rule.unless,
        *(v for p, v in rule.params.items() if sorts[p] == "field"),
        *(f for p, v in rule.params.items() if sorts[p] == "fields" for f in v),
    ]
    return [f for f in named if f is not None]


def _conditions(raw: Any, default: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return dict(default)
    return {str(k): _as_tuple(v) for k, v in raw.items()}


def load_kind_file(path: str | Path) -> Kind:
    """Load a council's own schema file (YAML or TOML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"cannot read schema file ({exc.strerror})", path) from None
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise SchemaError(f"schema file is not valid YAML/TOML ({first})", path) from None
    if not isinstance(data, Mapping) or "roles" in data:
        return kind_from_dict(data, source=str(path))
    # written before `roles:` existed: read as it was then, and say what to add
    roles = roles_before(data.get("fields"))
    kind = kind_from_dict({**data, "roles": roles}, source=str(path))
    if roles:
        line = _roles_line(roles, path)
        notice(
            f"{path}: no roles: block, so its fields play the roles their names had before "
            f"roles were declared; add this line to the file to keep them: {line}"
        )
    return kind


def roles_before(fields: Any) -> dict[str, Any]:
    """The roles xlsync gave a schema file's fields by their names before `roles:` existed
    (schemas/_before_roles.yaml): each only where the file has that field, and a value role
    (`done`, `lower_better`) only with the values its field allows."""
    if not isinstance(fields, Mapping):
        return {}
    roles: dict[str, Any] = {}
    for role, value in _before_roles().items():
        if role not in VALUE_ROLES:
            if value in fields:
                roles[role] = value
            continue
        holder = fields.get(roles.get(VALUE_ROLES[role]))
        if holder is None:
            continue
        allowed = _vocabulary_terms(holder)
        kept = [v for v in _as_tuple(value) if not allowed or v in allowed]
        if kept:
            roles[role] = kept
    return roles


@cache
def _before_roles() -> dict[str, Any]:
    data = yaml.safe_load((_schema_dir() / "_before_roles.yaml").read_text(encoding="utf-8"))
    return dict(data["roles"])


def _vocabulary_terms(spec: Any) -> set[str]:
    """The canonical values a raw field spec allows; empty when it allows any."""
    vocabulary = spec.get("vocabulary") if isinstance(spec, Mapping) else None
    if isinstance(vocabulary, Mapping | list):
        return {str(v) for v in vocabulary}
    return set()


def _roles_line(roles: Mapping[str, Any], path: Path) -> str:
    """`roles` as one line to paste into the schema file, in the file's own language."""
    if path.suffix.lower() == ".toml":
        items = ", ".join(f"{role} = {json.dumps(value)}" for role, value in roles.items())
        return f"roles = {{ {items} }}"
    flow = yaml.safe_dump(
        dict(roles), default_flow_style=True, sort_keys=False, allow_unicode=True, width=1 << 20
    )
    return f"roles: {flow.strip()}"


@cache
def builtin_kinds() -> dict[str, Kind]:
    """The kinds shipped in schemas/, by name."""
    kinds: dict[str, Kind] = {}
    for entry in sorted(_schema_dir().iterdir(), key=lambda p: p.name):
        # a name starting "_" is data about kinds (the roles before roles), not a kind
        if entry.name.endswith((".yaml", ".yml", ".toml")) and not entry.name.startswith("_"):
            data = (
                tomllib.loads(entry.read_text(encoding="utf-8"))
                if entry.name.endswith(".toml")
                else yaml.safe_load(entry.read_text(encoding="utf-8"))
            )
            kind = kind_from_dict(data, source=f"schemas/{entry.name}")
            kinds[kind.name] = kind
    return kinds


def _schema_dir() -> Any:
    try:
        return resources.files("sync.schemas")
    except ModuleNotFoundError:
        # running from a source tree without installing: schemas/ sits beside sync/
        return Path(__file__).resolve().parent.parent / "schemas"


def get_kind(name_or_path: str | Path) -> Kind:
    """A built-in kind by name, or a council's schema file by path."""
    text = str(name_or_path)
    kinds = builtin_kinds()
    if text in kinds:
        return kinds[text]
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml", ".toml") or path.exists():
        return load_kind_file(path)
    raise SchemaError(f"no workbook kind called {text!r}; known kinds: {', '.join(kinds)}")


def candidate_kinds(schema: str | Path | Kind | None) -> Iterable[Kind]:
    """The kinds to try when reading: the one asked for, or every built-in kind."""
    if isinstance(schema, Kind):
        return [schema]
    if schema is not None:
        return [get_kind(schema)]
    return list(builtin_kinds().values())
