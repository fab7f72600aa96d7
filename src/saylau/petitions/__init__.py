"""Online petitions (electoral-rules §8): the lifecycle and thresholds, on the working-day
calendar, as pure functions of the petition, the event and the law of the day; and each
petition's signatures as an append-only log of salted commitments with receipts and counts
anyone can check (:mod:`~saylau.petitions.receipts`). Signers are identified through
:mod:`saylau.pki`, which knows no petition law."""
