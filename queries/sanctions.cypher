// Sanctions: Sanction-[:TARGETS]->State|Person|Organization (a regime aimed at a
// target), Person|Organization-[:DESIGNATED_UNDER {reference}]->Sanction (a
// listing), Sanction-[:ADOPTED_BY]->Organization|State.

// name: sanctions
// description: Sanctions and designations: which regime targets or lists whom, adopted by whom, when.
// One row per target or listed person or organization per sanction, with how
// it is linked ("targets" or "designated"), the listing reference where there
// is one, and the status and sources of that link.
// param: target node? -- only sanctions aimed at, or listings of, this state, person or organization
// param: program node? -- only this sanction, resolution or regime
// mode: read
OPTIONAL MATCH (s:Sanction)-[t:TARGETS]->(x)
WHERE ($target IS NULL OR x.id = $target) AND ($program IS NULL OR s.id = $program)
WITH collect({sanction: s.name, sid: s.id, how: 'targets', target: x.name, targetId: x.id,
              listing: '', status: t.status, sources: t.sources}) AS targeted
OPTIONAL MATCH (x)-[d:DESIGNATED_UNDER]->(s:Sanction)
WHERE ($target IS NULL OR x.id = $target) AND ($program IS NULL OR s.id = $program)
WITH targeted, collect({sanction: s.name, sid: s.id, how: 'designated', target: x.name, targetId: x.id,
                        listing: coalesce(d.reference, ''), status: d.status, sources: d.sources}) AS listed
UNWIND targeted + listed AS row
WITH row WHERE row.sid IS NOT NULL
MATCH (s:Sanction) WHERE s.id = row.sid
OPTIONAL MATCH (s)-[:ADOPTED_BY]->(body)
RETURN s.name AS sanction, s.reference AS reference, s.date AS adopted, coalesce(collect(DISTINCT body.name), []) AS adoptedBy,
       row.how AS how, row.target AS target, row.targetId AS targetId, row.listing AS listing,
       row.status AS status, row.sources AS sources
ORDER BY adopted, sanction, how DESC, target
