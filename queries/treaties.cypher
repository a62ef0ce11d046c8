// Treaties: State|Organization-[:PARTY_TO]->Treaty. On a Treaty, `date` is the
// day it was signed, `validFrom` the day it entered into force and `validTo`
// the day it ended; Treaty-[:REPLACES]->Treaty links a treaty to its predecessor.

// name: treaties
// description: Treaties between two states: signed, in force, ended, key provisions, what replaced what.
// With `a` and `b`, only treaties both are party to. With `day`, only treaties
// in force on that day (from entry into force, or from signature when no
// entry-into-force date is recorded, to their end) and only parties that were
// party on that day (a state that withdrew no longer counts). `mutualAssistance`
// is true when the treaty obliges the parties to assist each other militarily
// if one is attacked.
// param: a node? -- a party (state or organization; default: any)
// param: b node? -- another party (default: any)
// param: day enddate? -- only treaties in force, and parties bound, on this day (YYYY-MM-DD or today; 1996 means 1996-12-31)
// mode: read
MATCH (t:Treaty)
WHERE ($day IS NULL OR (coalesce(t.validFrom, t.date) <= $day AND (t.validTo IS NULL OR t.validTo >= $day)))
  AND ($a IS NULL OR EXISTS {
        MATCH (x)-[p:PARTY_TO]->(t)
        WHERE x.id = $a AND ($day IS NULL OR ((p.validFrom IS NULL OR p.validFrom <= $day)
                                              AND (p.validTo IS NULL OR p.validTo >= $day))) })
  AND ($b IS NULL OR EXISTS {
        MATCH (x)-[p:PARTY_TO]->(t)
        WHERE x.id = $b AND ($day IS NULL OR ((p.validFrom IS NULL OR p.validFrom <= $day)
                                              AND (p.validTo IS NULL OR p.validTo >= $day))) })
OPTIONAL MATCH (party)-[p:PARTY_TO]->(t)
WHERE $day IS NULL OR ((p.validFrom IS NULL OR p.validFrom <= $day) AND (p.validTo IS NULL OR p.validTo >= $day))
OPTIONAL MATCH (t)-[:REPLACES]->(older:Treaty)
OPTIONAL MATCH (newer:Treaty)-[:REPLACES]->(t)
WITH t, coalesce(collect(DISTINCT party.name), []) AS parties, coalesce(collect(DISTINCT older.name), []) AS replaces,
     coalesce(collect(DISTINCT newer.name), []) AS replacedBy
RETURN t.name AS treaty, t.date AS signed, t.validFrom AS inForce, t.validTo AS ended,
       t.mutualAssistance AS mutualAssistance, t.provisions AS provisions, parties, replaces,
       replacedBy, t.status AS status, t.sources AS sources,
       t.datePrecision AS signedPrecision, t.validFromPrecision AS inForcePrecision,
       t.validToPrecision AS endedPrecision
ORDER BY signed, treaty
