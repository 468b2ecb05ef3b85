"""Investor understanding: who the investor is, what they need, what they can bear and how they
feel, inferred from a conversation in English or Chinese, every field with its evidence.

Use `extractor.ProfileExtractor().extract(messages)` (messages are `text.Message`s) for an
`model.InvestorProfile`; `handoff.to_suitability_profile` for the suitability engine's input;
`validation.merge` to fold in values another backend proposes. The modules, by responsibility:

* text — user turns cut into sentences and clauses with offsets (quotes are exact substrings);
* numbers — numbers and durations in English and Chinese (七十二, 一万五, 十几年, half a year);
* lexicon — cue matching with negation (jieba for Chinese), hypotheticals and past tense;
* subject — whose profile it is (the typist or someone they speak for), and whose each fact is;
* demographics — age and life stage; horizon — years until the money is needed;
* circumstances — dependants and emergency savings; goals — what the money is for;
* tolerance, risk_cues, risk — willingness, capacity and experience, and the risk level;
* emotion — per-message readings (lexicon, then MiniLM prototypes) and the rolling state;
* flags — possible exploitation and needs-a-person; instructions — injected orders, not obeyed;
* validation — impossible values and the merge; handoff — the suitability profile;
* transcript — reading JSON and JSON Lines transcripts; evaluation — scoring a labelled set.
"""
