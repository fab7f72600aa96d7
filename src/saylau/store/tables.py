"""The tables: nothing accepted is ever updated in place, except running totals and the
ledger's frontier, which are derived and can be rebuilt from the append-only rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ElectionRow(Base):
    """An imported election definition, kept verbatim with its hash."""

    __tablename__ = "elections"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    definition: Mapped[str] = mapped_column(Text)
    definition_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class UnitRow(Base):
    """A unit of the territory tree; ``registered`` is summed up the tree at import."""

    __tablename__ = "units"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    parent: Mapped[str | None] = mapped_column(String(64))
    depth: Mapped[int] = mapped_column(Integer)
    registered: Mapped[int] = mapped_column(BigInteger)
    names: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_units_parent", "election_id", "parent"),)


class CredentialRow(Base):
    """A credential held by one named member of a commission (or by observers); only the
    SHA-256 of the token is kept. It expires, and may be revoked or replaced by a rotation;
    a member holds at most one credential that is not revoked."""

    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_position: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    __table_args__ = (
        Index(
            "ux_credentials_active_member",
            "election_id",
            "unit_code",
            "owner_name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class ProtocolRow(Base):
    """Every protocol ever accepted or proposed: originals, corrections (pending, approved,
    refused). A correction points at the version it replaces; nothing is overwritten."""

    __tablename__ = "protocols"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    precinct: Mapped[str] = mapped_column(String(64))
    contest: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # accepted | pending | superseded | refused
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    supersedes: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("protocols.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        UniqueConstraint("election_id", "precinct", "contest", "version"),
        Index("ix_protocols_precinct", "election_id", "precinct", "contest"),
    )


class CurrentRow(Base):
    """Which protocol version counts now for a precinct and contest (one row each)."""

    __tablename__ = "current_protocols"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    precinct: Mapped[str] = mapped_column(String(64), primary_key=True)
    contest: Mapped[str] = mapped_column(String(64), primary_key=True)
    protocol_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("protocols.id"))


class TotalRow(Base):
    """Running totals of one contest at one unit above the precincts, kept in O(depth)."""

    __tablename__ = "totals"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    contest: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    precincts_expected: Mapped[int] = mapped_column(Integer)
    registered_expected: Mapped[int] = mapped_column(BigInteger)
    precincts_reported: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[str] = mapped_column(Text)  # JSON: field → sum, votes → {option: sum}
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LedgerEntryRow(Base):
    """One leaf of the election's Merkle log: the canonical bytes of an accepted record."""

    __tablename__ = "ledger_entries"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LedgerStateRow(Base):
    """The log's size and right-hand frontier; its row lock orders every append (and hands
    out protocol ids, so a batch needs no round trip to learn them). ``origin`` names the log
    in its checkpoints; ``public_key`` is the key that signs its next head (the private key
    is never here: see :mod:`saylau.keyfile`)."""

    __tablename__ = "ledger_state"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    next_protocol_id: Mapped[int] = mapped_column(BigInteger, default=1)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    origin: Mapped[str] = mapped_column(String(255))


class LedgerKeyRow(Base):
    """A public key of the log and the first tree size it signs; older heads keep verifying
    with the key before. Only public keys: the database can verify, never sign."""

    __tablename__ = "ledger_keys"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    from_size: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TreeNodeRow(Base):
    """The root of a complete subtree of the log: leaves ``[index * 2**level, (index + 1) *
    2**level)``, level 1 and up (level 0 is the leaf hash in ``ledger_entries``). Written in
    the append's transaction, never changed: a proof reads O(log n) of them, not every leaf."""

    __tablename__ = "tree_nodes"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class TreeHeadRow(Base):
    """A signed tree head as published: ``note`` is its C2SP checkpoint with signatures
    (absent for heads signed before checkpoints), ``signature`` the log key's own."""

    __tablename__ = "tree_heads"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str | None] = mapped_column(Text)


class ContestDecisionRow(Base):
    """The central commission's decisions on a contest, numbered in order: a certification,
    or a reopening of the certification before it. The newest one says whether the contest
    is certified; none is ever changed, and each is a ledger entry as well."""

    __tablename__ = "contest_decisions"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    contest: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # certification | reopening
    ledger_index: Mapped[int] = mapped_column(BigInteger)  # also the tree size it stands on
    precincts_reported: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[str | None] = mapped_column(Text)  # JSON: the certified totals
    outcome: Mapped[str | None] = mapped_column(Text)  # JSON: the certified outcome
    reason: Mapped[str | None] = mapped_column(Text)  # why a certification was reopened
    decided_by: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CitizenRow(Base):
    """A citizen on the national voter register, as the register's Parquet file holds them:
    the permanent address down to the precinct, and at most one exclusion with its days
    (``excluded_until`` inclusive, None while it lasts). Precinct lists are derived from
    these rows for a day, never stored."""

    __tablename__ = "citizens"
    iin: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(128))
    name_ru: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(32))
    precinct: Mapped[str] = mapped_column(String(48), index=True)
    exclusion: Mapped[str | None] = mapped_column(String(16))
    excluded_since: Mapped[dt.date | None] = mapped_column(Date)
    excluded_until: Mapped[dt.date | None] = mapped_column(Date)


class BodyCredentialRow(Base):
    """A credential of a registering body that is not an election commission (the Ministry
    of Justice registers parties): held by one named official, only the token's SHA-256
    kept, expiring and revocable like a commission's. Kept apart from ``credentials``,
    whose rows each belong to one election."""

    __tablename__ = "body_credentials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    role: Mapped[str] = mapped_column(String(16))  # justice | moderator | addressee | citizen
    # what the credential speaks for: a citizen's IIN, an addressee body's key
    # (``government`` or ``regional_akimat:KZ-75``); None for the Ministry and moderators
    subject: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_position: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # the unit the body serves (an akimat's city, ISO 3166-2); None for a national body
    unit_code: Mapped[str | None] = mapped_column(String(64))


class PartyRow(Base):
    """A party in the registry of parties, named in the three languages; its status is
    read from its events, never stored."""

    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    sources: Mapped[str] = mapped_column(Text)


class PartyEventRow(Base):
    """One event of a party's history, numbered in order: registered, re-registered,
    refused (with every failed rule in ``decision``), renamed (the former names), merged
    (``into`` another party), dissolved. ``on`` is None where no source gives the day.
    An event is never changed: a later one is a new row."""

    __tablename__ = "party_events"
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date | None] = mapped_column(Date)
    into: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    former_kk: Mapped[str | None] = mapped_column(String(300))
    former_ru: Mapped[str | None] = mapped_column(String(300))
    former_en: Mapped[str | None] = mapped_column(String(300))
    decision: Mapped[str | None] = mapped_column(Text)  # JSON: the registration decision
    sources: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("body_credentials.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PartyMemberRow(Base):
    """A member a registered party's roll counted, so that a later roll of another party
    is checked against it where the law allows one party only."""

    __tablename__ = "party_members"
    iin: Mapped[str] = mapped_column(String(12), primary_key=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), primary_key=True)


class AssemblyRow(Base):
    """A notice of a peaceful assembly as filed and accepted: never changed; its state is
    the last of its events. ``starts`` and ``ends`` are the city's local time."""

    __tablename__ = "assemblies"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    organiser: Mapped[str] = mapped_column(String(300))
    filed_by: Mapped[int] = mapped_column(ForeignKey("body_credentials.id"))
    kind: Mapped[str] = mapped_column(String(16))
    procedure: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(8))
    place: Mapped[str] = mapped_column(String(64))
    starts: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    ends: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    participants: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[dt.date] = mapped_column(Date)
    over_capacity: Mapped[int] = mapped_column(Integer)
    citations: Mapped[str] = mapped_column(Text)  # JSON: the law the checks applied
    __table_args__ = (Index("ix_assemblies_city_starts", "city", "starts"),)


class AssemblyEventRow(Base):
    """One step of an assembly, numbered in order (notified or requested first), each a leaf
    of the assemblies' Merkle log at ``log_index``. Never changed."""

    __tablename__ = "assembly_events"
    assembly_id: Mapped[str] = mapped_column(ForeignKey("assemblies.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("body_credentials.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    log_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)


class AssemblyLogRow(Base):
    """The assemblies' Merkle log: its size and right-hand frontier, one row whose lock
    orders every step (so two akimat answers or two ticks never cross)."""

    __tablename__ = "assembly_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    checkpoint: Mapped[str | None] = mapped_column(Text)  # the signed note of the last head


class PetitionRow(Base):
    """An online petition as its author wrote it. ``state`` repeats the state of its last
    transition (so lists and the daily tick find petitions without replaying them); it is
    written only in the transaction that adds that transition. The author's IIN is never
    published."""

    __tablename__ = "petitions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str | None] = mapped_column(String(16))
    author_iin: Mapped[str] = mapped_column(String(12))
    drafted_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PetitionTransitionRow(Base):
    """One step of a petition, numbered in order: the event (``step``, its day and its
    ``detail`` as JSON: the refusal's subject, the count, the answer's text), the state it led
    to, whether it came after its deadline, who recorded it and its entry in the petitions'
    log. Never changed; the petition is the replay of these rows."""

    __tablename__ = "petition_transitions"
    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    step: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("body_credentials.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    ledger_index: Mapped[int] = mapped_column(BigInteger)


class PetitionSignatureRow(Base):
    """One citizen's signature of one petition (the unique constraint holds it to one per
    citizen, under any concurrency). Insert-only: counts per petition, region and day are
    derived from these rows by SQL, so they cannot drift. ``iin`` serves eligibility and
    withdrawal and is never published; ``region`` is the signer's region on the voter
    register (None when the register does not hold them)."""

    __tablename__ = "petition_signatures"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"))
    iin: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    certificate_serial: Mapped[str] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(16))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # the signature's salted commitment in the petition's own log: the salt (secret to the
    # signer and the service) and the leaf's index
    salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    leaf_index: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        UniqueConstraint("petition_id", "iin", name="uq_petition_signatures_citizen"),
        Index("ix_petition_signatures_day", "petition_id", "signed_on"),
        Index("ix_petition_signatures_region", "petition_id", "region"),
    )


class PetitionWithdrawalRow(Base):
    """A signature withdrawn, on its day; the signature row stays, the counts leave it out."""

    __tablename__ = "petition_withdrawals"
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("petition_signatures.id"), primary_key=True
    )
    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), index=True)
    withdrawn_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    leaf_index: Mapped[int | None] = mapped_column(BigInteger)


class PetitionLogRow(Base):
    """The petitions' Merkle log (every transition of every petition): its size and
    right-hand frontier, whose row lock orders the appends; ``public_key`` signs its heads."""

    __tablename__ = "petition_log"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    origin: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)


class PetitionLogEntryRow(Base):
    """One leaf of the petitions' log: the canonical bytes of a transition."""

    __tablename__ = "petition_log_entries"
    log: Mapped[str] = mapped_column(ForeignKey("petition_log.name"), primary_key=True)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PetitionLogHeadRow(Base):
    """A signed head of the petitions' log, as its C2SP checkpoint."""

    __tablename__ = "petition_log_heads"
    log: Mapped[str] = mapped_column(ForeignKey("petition_log.name"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)


class SignatureLogRow(Base):
    """A petition's own Merkle log of salted commitments (a leaf per signature and per
    withdrawal, never a name): its size and frontier, whose row lock orders the appends,
    the log's name in its checkpoints and the key that signs its heads."""

    __tablename__ = "signature_logs"
    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    origin: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)


class SignatureLeafRow(Base):
    """One leaf of a petition's signature log: public bytes that name no one."""

    __tablename__ = "signature_leaves"
    petition_id: Mapped[str] = mapped_column(
        ForeignKey("signature_logs.petition_id"), primary_key=True
    )
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SignatureHeadRow(Base):
    """A signed head of a petition's signature log, as its C2SP checkpoint."""

    __tablename__ = "signature_heads"
    petition_id: Mapped[str] = mapped_column(
        ForeignKey("signature_logs.petition_id"), primary_key=True
    )
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)


class SigningEventRow(Base):
    """An accepted signature's metadata for the moderators' bulk-pattern flags
    (:mod:`saylau.petitions.abuse`): the client address, the moment and the certificate's
    issuer and start. Never published; the IIN is there for the sequential-IIN pattern."""

    __tablename__ = "petition_signing_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    petition_id: Mapped[str] = mapped_column(ForeignKey("petitions.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(64))
    iin: Mapped[str] = mapped_column(String(12))
    issuer: Mapped[str] = mapped_column(String(512))
    certificate_not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
