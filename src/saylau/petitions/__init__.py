"""Online petitions (electoral-rules §8): the lifecycle and thresholds, on the working-day
calendar, as pure functions of the petition, the event and the law of the day; who may sign
(:mod:`~saylau.petitions.signers`, an adult on the day of signing, identified through
:mod:`saylau.pki`); and each petition's signatures as an append-only log of salted
commitments with receipts and counts anyone can check (:mod:`~saylau.petitions.receipts`)."""
