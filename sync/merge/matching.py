"""Which master record each row of a return is: by its key, else by what was issued. Pure."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import NamedTuple

from sync.keys import key_of, normalise_partner, normalise_ref
from sync.kinds import Kind
from sync.merge.three_way import comparable
from sync.tables import Record, Values


class Match(NamedTuple):
    """A return's row and the key it merges under: a master record's, or a new row's.

    A named tuple: one is made for every row of every return (see tables.Record).
    """

    record: Record
    key: str
    retyped: tuple[str, ...] = ()  # key fields the partner typed over: rejected edits
    refused: bool = False  # it names another partner's record: not merged, a rejected edit


def match_rows(
    kind: Kind,
    records: Sequence[Record],
    partner: str,
    known: Container[str],
    issued: Mapping[str, Values] | None,
    *,
    keyed: bool,
) -> list[Match]:
    """Each of `records` (a return's rows, in order) matched to a key of `known` (the
    master's records), else given the key it is added under.

    A row whose key is not known is matched by what was issued: its partner cell retyped
    ("Chorley Borough Council" over "Chorley") still names this return's partner; and a row
    of an issued return (`issued`: its base) that agrees with exactly one issued record,
    missing from the return under its own key, on every coordinator-owned field besides the
    key, is that record with its key cells typed over; so is one under a known key that was
    not issued in it (a row added since, from another return: whether a retyped key is known
    yet must not change what the row is). A new row is keyed under `partner`, whatever its
    partner cell says: a return holds its own partner's rows. A row whose partner cell names
    another partner's record is never this return's to change: refused, unless this partner
    has a record under its key (then only its partner cell was typed over).
    """
    matched: list[Match | None] = []
    seen: set[str] = set()
    unmatched: list[int] = []
    otherwise: dict[int, Match] = {}  # unless matched by what was issued
    for i, rec in enumerate(records):
        first = _by_key(kind, rec, partner, known, keyed)
        if first is not None and (issued is None or first.key in issued):
            matched.append(first)
            seen.add(first.key)
            continue
        if first is not None:
            otherwise[i] = first
        matched.append(None)
        unmatched.append(i)
    if unmatched and issued:
        gone = {k: v for k, v in issued.items() if k in known and k not in seen}
        for i, key in _by_what_was_issued(kind, records, unmatched, gone).items():
            matched[i] = Match(records[i], key, _retyped(kind, records[i].values, gone[key]))
    return [
        m
        if m is not None
        else otherwise.get(i)
        or Match(
            records[i], key_of(kind, records[i].values, partner, keyed) if keyed else records[i].key
        )
        for i, m in enumerate(matched)
    ]


def _by_key(
    kind: Kind, rec: Record, partner: str, known: Container[str], keyed: bool
) -> Match | None:
    """A row matched by its key cells, or None when they name no known record."""
    who = kind.partner_field or ""
    if rec.key in known and not (keyed and _names_another(rec.values.get(who), partner)):
        return Match(rec, rec.key)
    own = key_of(kind, rec.values, partner, keyed) if keyed else rec.key
    if own in known:  # its partner cell typed over
        return Match(rec, own, _retyped(kind, rec.values, {who: partner}))
    if rec.key in known:  # another partner's record
        return Match(rec, rec.key, (who,), refused=True)
    return None


def _names_another(named: object, partner: str) -> bool:
    """Whether a row's partner cell names someone else than the return's partner (a blank
    names the return's partner)."""
    if named is None or named == partner:  # nearly every row: its return's partner, as issued
        return False
    return comparable(named) is not None and normalise_partner(named) != normalise_partner(partner)


def _by_what_was_issued(
    kind: Kind, records: Sequence[Record], unmatched: list[int], gone: Mapping[str, Values]
) -> dict[int, str]:
    """The unmatched rows that agree with exactly one record issued and gone from the return
    (and it with no other row) on every coordinator-owned field besides the key, one of them
    at least not blank: {row index: issued key}."""
    key_fields = {kind.partner_field, "section", *kind.identity}
    locked = [f.name for f in kind.fields if not f.partner_edits and f.name not in key_fields]
    pairs: dict[int, list[str]] = {}
    claims: dict[str, int] = {}
    for i in unmatched:
        mine = records[i].values
        fields = [name for name in locked if name in mine]
        marks = [comparable(mine[name]) for name in fields]
        if all(m is None for m in marks):
            continue  # nothing to tell it by
        hits = [
            key
            for key, sent in gone.items()
            if all(comparable(sent.get(n)) == m for n, m in zip(fields, marks, strict=True))
        ]
        pairs[i] = hits
        for key in hits:
            claims[key] = claims.get(key, 0) + 1
    return {i: hits[0] for i, hits in pairs.items() if len(hits) == 1 and claims[hits[0]] == 1}


def _retyped(kind: Kind, values: Values, issued: Values) -> tuple[str, ...]:
    """The key fields whose cell in the return names something else than was issued (a
    blank partner cell names the return's partner)."""
    out = []
    who = kind.partner_field
    if who and who in values and comparable(values[who]) is not None:
        if normalise_partner(values[who]) != normalise_partner(issued.get(who)):
            out.append(who)
    out += [
        name
        for name in kind.identity
        if name != who
        and name in values
        and name in issued
        and normalise_ref(values[name]) != normalise_ref(issued[name])
    ]
    return tuple(out)
