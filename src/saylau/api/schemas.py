"""Request and response shapes as the OpenAPI schema documents them.

A protocol's shape is :class:`saylau.protocol.ProtocolForm`, the model the file readers use
too: counts are strict JSON integers (``true``, ``1.5`` and ``"7"`` are refused) before any
rule of the election is looked at; the service then checks the protocol against the
election (its precinct, contest, options) and the control relations of the law.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from saylau.protocol import ProtocolForm

ProtocolIn = ProtocolForm
"""A precinct protocol for one contest: the one model every reader of a protocol uses."""


class SubmissionIn(BaseModel):
    """A protocol and, for a correction of an accepted one, the reason."""

    model_config = ConfigDict(extra="forbid")
    protocol: ProtocolIn
    # stored as text: NUL is refused here, as PostgreSQL would refuse it as a server error
    reason: (
        Annotated[StrictStr, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]+$")] | None
    ) = None


class BatchIn(BaseModel):
    """Protocols entered together by a territorial commission (or one precinct's contests)."""

    model_config = ConfigDict(extra="forbid")
    submissions: Annotated[list[SubmissionIn], Field(min_length=1, max_length=1000)]


class ReceiptOut(BaseModel):
    status: str
    protocol_id: int
    precinct: str
    contest: str
    version: int
    ledger_index: int | None
    tree_size: int | None


class CheckOut(BaseModel):
    status: str  # acceptable: a submission of it would not be refused for its content
    precinct: str
    contest: str
    content_hash: str


class BatchItemOut(BaseModel):
    status: int | str
    receipt: ReceiptOut | None = None
    problem: dict[str, object] | None = None


class BatchOut(BaseModel):
    accepted: int
    items: list[BatchItemOut]


class TreeHeadOut(BaseModel):
    """A signed tree head: ``checkpoint`` is the C2SP checkpoint in a C2SP signed note
    (c2sp.org/tlog-checkpoint, c2sp.org/signed-note); the other fields repeat its parts.
    ``key`` is the log's note verifier key, shown only: verify against a key you trust."""

    origin: str
    size: int
    root: str
    timestamp: int
    signature: str
    public_key: str
    key: str
    checkpoint: str
    algorithm: str = "Ed25519 signed note over a C2SP tlog-checkpoint"


class ProofOut(BaseModel):
    index: int | None = None
    first: int | None = None
    second: int | None = None
    size: int
    leaf_hash: str | None = None
    proof: list[str]


NoNul = Annotated[StrictStr, Field(max_length=64, pattern=r"^[^\x00]*$")]
PartyName = Annotated[StrictStr, Field(min_length=1, max_length=300, pattern=r"^[^\x00]+$")]
IsoDay = Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class PartyNamesIn(BaseModel):
    """A party's name in Kazakh, Russian and English."""

    model_config = ConfigDict(extra="forbid")
    kk: PartyName
    ru: PartyName
    en: PartyName


class PartyApplicationIn(BaseModel):
    """An application to register a party: its id in the registry, its names (required
    when the party is new to the registry), the dates, the initiative group and the
    membership roll (IINs as strings of 12 digits)."""

    model_config = ConfigDict(extra="forbid")
    party: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    names: PartyNamesIn | None = None
    applied_on: IsoDay
    group_notified_on: IsoDay
    congress_on: IsoDay
    initiative_group: Annotated[list[NoNul], Field(max_length=100_000)]
    members: Annotated[list[NoNul], Field(max_length=150_000)]


class PartyDecisionOut(BaseModel):
    party: str
    event: int
    kind: str  # registered | re-registered | refused
    status: str
    decision: dict[str, Any]


class PartyEventOut(BaseModel):
    number: int
    kind: str
    on: str | None
    into: str | None
    former_names: dict[str, str | None] | None
    sources: list[str]
    recorded_at: str
    decision: dict[str, Any] | None = None


class PartyOut(BaseModel):
    id: str
    names: dict[str, str]
    status: str
    registered_on: str | None
    sources: list[str]
    history: list[PartyEventOut]


class PartyEventIn(BaseModel):
    """A later event of a registered party: merged into another registered party, or
    dissolved, on a day, with the sources that record it."""

    model_config = ConfigDict(extra="forbid")
    kind: Annotated[StrictStr, Field(pattern=r"^(merged|dissolved)$")]
    on: IsoDay
    into: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")] | None = None
    sources: Annotated[
        list[Annotated[StrictStr, Field(min_length=1, max_length=1000, pattern=r"^[^\x00]+$")]],
        Field(min_length=1, max_length=20),
    ]


class PartyEventRecordedOut(BaseModel):
    party: str
    event: int
    kind: str
    status: str


Count = Annotated[StrictInt, Field(ge=0, le=2**53)]
Office = Literal[
    "president",
    "mazhilis_list",
    "mazhilis_district",
    "kurultai_list",
    "senate",
    "maslikhat_list",
    "maslikhat_district",
    "akim_rural",
    "akim_district",
]


class NominationIn(BaseModel):
    """Who put the candidate forward; a party or association is named, and a presidential
    nomination by a supreme body gives its members and the votes for."""

    model_config = ConfigDict(extra="forbid")
    by: Literal["party", "association", "self"]
    name: PartyName | None = None
    republican: StrictBool = False
    supreme_body_members: Count | None = None
    supreme_body_votes_for: Count | None = None


class SignaturesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    valid: Count
    base: Count
    units_met: Count | None = None


class CandidateApplicationIn(BaseModel):
    """A candidate's application as docs/formats.md gives it (without a vote result)."""

    model_config = ConfigDict(extra="forbid")
    name: PartyName
    office: Office
    election_day: IsoDay
    birth_date: IsoDay
    citizen: StrictBool
    citizen_by_birth: StrictBool
    resident_since: IsoDay
    state_language: StrictBool
    higher_education: StrictBool
    nomination: NominationIn
    public_service_years: Count = 0
    work_years: Count = 0
    elections_won: Annotated[list[IsoDay], Field(max_length=10)] = []
    signatures: SignaturesIn | None = None
    deposit_tenge: Count = 0


class CandidateIn(BaseModel):
    """A candidate of one contest, for the commission of the contest's area to decide."""

    model_config = ConfigDict(extra="forbid")
    contest: NoNul
    application: CandidateApplicationIn


class CandidateDecisionOut(BaseModel):
    kind: str
    ledger_index: int
    tree_size: int
    record: dict[str, Any]


class CandidateOut(BaseModel):
    ledger_index: int
    contest: str
    name: str
    office: str
    nominated_by: dict[str, str | None]
    decision: str  # registered | refused
    failed: list[str]
    rules_checked: list[dict[str, Any]]
    decided_by: str | None
    decided_at: str


class DeputyOut(BaseModel):
    name: str
    position: int
    via_quota: bool


class ListDeputiesOut(BaseModel):
    party: str
    names: dict[str, str]
    seats: int
    deputies: list[DeputyOut]


class ListContestDeputiesOut(BaseModel):
    contest: str
    contest_names: dict[str, str]
    ledger_index: int
    basis: str  # certified | current
    parties: list[ListDeputiesOut]


class DistrictDeputyOut(BaseModel):
    contest: str
    contest_names: dict[str, str]
    option: str
    names: dict[str, str]
    party: str | None
    ledger_index: int | None


class DeputiesOut(BaseModel):
    election: str
    lists: list[ListContestDeputiesOut]
    districts: list[DistrictDeputyOut]


class ListedCandidateOut(BaseModel):
    position: int
    name: str
    birth_date: str
    woman: bool
    disability: bool
    quota: bool  # counts toward the list quota on election day


class PartyListOut(BaseModel):
    party: str
    names: dict[str, str]
    submitted_on: str
    candidates: list[ListedCandidateOut]


class ListContestOut(BaseModel):
    contest: str
    contest_names: dict[str, str]
    ledger_index: int
    law_date: str
    parties: list[PartyListOut]


class PartyListsOut(BaseModel):
    election: str
    lists: list[ListContestOut]


# --- the election's definition --------------------------------------------------------------

Names = dict[str, str]


class DefinitionPartyOut(BaseModel):
    """The party behind an option; ``names`` is null for a party the registry of names lacks."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    names: Names | None


class DefinitionOptionOut(BaseModel):
    """A line on the ballot: a party list, a candidate or an answer."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    names: Names = Field(description="kk, ru and en")
    party: DefinitionPartyOut | None
    column: str = Field(description="its votes column in the CSV and Parquet tables")


class DefinitionContestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    names: Names
    seats: int | None
    area: list[str] = Field(description="the units whose precincts vote in the contest")
    level: str | None
    round: int
    body: str | None
    question_type: str | None
    options: list[DefinitionOptionOut]


class TerritoryNodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    level: str
    names: Names
    registered: int | None = Field(description="voters on a precinct's list")
    children: list[TerritoryNodeOut]


class DefinitionOut(BaseModel):
    """An election: names in Kazakh, Russian and English, the territory as a tree, the
    contests with their options and the parties behind them."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    date: str = Field(description="election day, ISO 8601")
    names: Names
    definition_hash: str = Field(description="the hash the ledger's first entry holds")
    follows: str | None = Field(description="the first round, for repeat voting")
    territory: TerritoryNodeOut
    contests: list[DefinitionContestOut]


# --- online petitions --------------------------------------------------------------------

PetitionText = Annotated[StrictStr, Field(min_length=1, max_length=20_000, pattern=r"^[^\x00]+$")]


class PetitionIn(BaseModel):
    """A new petition's draft: its title and text, the body it is addressed to and, for any
    body but the Government, the region (ISO 3166-2, e.g. KZ-75)."""

    model_config = ConfigDict(extra="forbid")
    title: Annotated[StrictStr, Field(min_length=1, max_length=300, pattern=r"^[^\x00]+$")]
    text: PetitionText
    addressee: Annotated[
        StrictStr,
        Field(
            pattern=r"^(government|regional_maslikhat|regional_akimat|district_maslikhat|district_akimat)$"
        ),
    ]
    unit: Annotated[StrictStr, Field(pattern=r"^KZ-[0-9]{2}$")] | None = None


class RefusalIn(BaseModel):
    """Moderation's refusal: one of the subjects the law excludes, as the law names it."""

    model_config = ConfigDict(extra="forbid")
    subject: Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]


class AnswerIn(BaseModel):
    """The addressee body's answer, published with the petition."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[StrictStr, Field(min_length=1, max_length=50_000, pattern=r"^[^\x00]+$")]


class PetitionCreatedOut(BaseModel):
    id: str
    state: str


class PetitionStateOut(BaseModel):
    id: str
    state: str


class SignatureEnvelopeIn(BaseModel):
    """A citizen's signature of a petition with the national PKI: over the petition's id,
    the SHA-256 of its text and the signing time, with the signer's certificate (base64
    DER) and its chain, nearest issuer first."""

    model_config = ConfigDict(extra="forbid")
    version: StrictInt
    petition_id: Annotated[StrictStr, Field(max_length=64)]
    text_sha256: Annotated[StrictStr, Field(max_length=64)]
    signed_at: Annotated[StrictStr, Field(max_length=40)]
    algorithm: Annotated[StrictStr, Field(max_length=40)]
    signature: Annotated[StrictStr, Field(max_length=4096)]
    certificate: Annotated[StrictStr, Field(max_length=16384)]
    chain: Annotated[list[Annotated[StrictStr, Field(max_length=16384)]], Field(max_length=4)]


class CommitmentReceiptOut(BaseModel):
    """The receipt of a salted commitment in the petition's log: the signer recomputes the
    leaf from their IIN and ``salt`` and checks it is in ``signed_head`` (a C2SP checkpoint)
    through ``inclusion_proof``; ``salt`` is secret to the signer."""

    petition_id: str
    kind: str
    leaf_index: int
    tree_size: int
    inclusion_proof: list[str]
    signed_head: str
    salt: str
    withdraws: int | None


class PetitionReceiptOut(BaseModel):
    """A signature's receipt: the day and moment it was counted and its commitment's
    receipt; ``already_signed`` when it had been given before (nothing was counted again)."""

    petition: str
    signed_on: str
    signed_at: str
    already_signed: bool
    receipt: CommitmentReceiptOut


class PetitionCountOut(BaseModel):
    id: str
    signatures: int
    receipt: CommitmentReceiptOut


class SignatureLogOut(BaseModel):
    """A petition's log of commitments: its newest signed head, the log's verifier key and
    the count the petition shows (the log's signatures less its withdrawals)."""

    petition: str
    origin: str
    size: int
    root: str
    checkpoint: str
    key: str
    signatures: int


class SigningFlagOut(BaseModel):
    """A bulk pattern in a petition's signing, for the moderators: ``pattern`` is
    ``one_address``, ``sequential_iins`` or ``bulk_certificates``; ``key`` where it was seen
    (the address, the first and last IIN of the run, the issuer and the minute)."""

    pattern: str
    petition_id: str
    key: str
    signatures: int
    first: str
    last: str


class PetitionSummaryOut(BaseModel):
    id: str
    title: str
    addressee: str
    unit: str | None
    state: str
    signatures: int
    required: int | None


class PetitionStepOut(BaseModel):
    number: int
    step: str
    state: str
    on: str
    late: bool
    detail: dict[str, Any]
    recorded_at: str
    ledger_index: int


class PetitionOut(BaseModel):
    """A petition as the public sees it: its state, count, threshold (with the law and the
    population it was read from), working days left to its present deadline, its steps and
    the body's answer. Never a signer's identity."""

    id: str
    title: str
    text: str
    addressee: str
    unit: str | None
    state: str
    signatures: int
    required: int | None
    threshold_citation: str | None
    population: int | None
    population_date: str | None
    working_days_left: int | None
    deadline: str | None
    signing_closes: str | None
    refused_for: str | None
    answer: str | None
    history: list[PetitionStepOut]


class PetitionRegionOut(BaseModel):
    region: str | None
    signatures: int


class PetitionDayOut(BaseModel):
    on: str
    signed: int
    withdrawn: int
    total: int


class PetitionLogHeadOut(BaseModel):
    """The petitions' log's newest signed head (C2SP checkpoint) and its key as a note
    verifier key; a verifier gets the key it trusts elsewhere."""

    origin: str
    size: int
    root: str
    checkpoint: str
    key: str


class PetitionStepProofOut(BaseModel):
    """A petition's step as the log holds it (``leaf``, canonical JSON), with its inclusion
    proof in the newest signed head."""

    petition: str
    number: int
    index: int
    leaf: str
    leaf_hash: str
    proof: list[str]
    size: int
    root: str
    checkpoint: str
    key: str
