// History: what happened when, and what began or ended in a period.
// Dates: an event's day is its `date`, else the first day of its `validFrom`.

// name: timeline
// description: Events between two dates, in order (optionally for one state, person or place).
// Each row is one event: its day (with the precision the sources give),
// kind, claim status, who took part and in what role, where it took place,
// and the sources. With `party`, only events that node took part in, that
// took place at or inside it, or that are about it.
// param: from date? -- first day (default: the earliest event)
// param: to enddate? -- last day (default: the latest event); 2024 means up to 2024-12-31
// param: party node? -- only events involving this state, person, organization or place
// param: kind string? -- only events of this kind (summit, visit, meeting, veto, ...)
// mode: read
MATCH (e:Event)
WITH e, coalesce(e.date, e.validFrom) AS day
WHERE ($from IS NULL OR day >= $from) AND ($to IS NULL OR day <= $to)
  AND ($kind IS NULL OR e.kind = $kind)
  AND ($party IS NULL
       OR e.id = $party
       OR EXISTS { MATCH (x)-[:PARTICIPATED_IN]->(e) WHERE x.id = $party }
       OR EXISTS { MATCH (e)-[:HELD_AT]->(x) WHERE x.id = $party }
       OR EXISTS { MATCH (e)-[:HELD_AT]->(:Place)-[:LOCATED_IN*1..6]->(x) WHERE x.id = $party }
       OR EXISTS { MATCH (e)-[:ABOUT]->(x) WHERE x.id = $party })
OPTIONAL MATCH (who)-[pi:PARTICIPATED_IN]->(e)
WITH e, day, coalesce(collect(DISTINCT who.name + ' (' + coalesce(pi.role, 'participant') + ')'), []) AS participants
OPTIONAL MATCH (e)-[:HELD_AT]->(venue)
WITH e, day, participants, coalesce(collect(DISTINCT venue.name), []) AS places
RETURN day AS date, CASE WHEN e.date IS NULL THEN e.validFromPrecision ELSE e.datePrecision END AS datePrecision, e.name AS event, e.kind AS kind,
       e.status AS status, participants, places AS place, e.sources AS sources
ORDER BY date, event

// name: changes
// description: What began, ended or happened between two dates: every dated node and relationship.
// A fact "began" on its validFrom, "ended" on its validTo and "happened" on
// its date (a treaty's date is the day it was signed). Dates are those of
// the real world, as the sources give them, not when the data was entered.
// param: from date -- first day
// param: to enddate? -- last day (default: no end)
// param: status status[]? -- only facts with these claim statuses (default: all)
// mode: read
// dialect: ladybug
// Nodes and relationships in one stream (`kind`), as in `claims`: collected into two
// lists, LadybugDB 0.14 grouped by the first while collecting the second (18.7 s
// for "since 2020" at 100,000 relationships; 0.4 s this way). Each fact is
// matched once, then unwound into its up to three dated changes.
UNWIND ['node', 'relationship'] AS kind
OPTIONAL MATCH (n)
WHERE kind = 'node' AND n.status IN $status
  AND ((n.date >= $from AND ($to IS NULL OR n.date <= $to))
       OR (n.validFrom >= $from AND ($to IS NULL OR n.validFrom <= $to))
       OR (n.validTo >= $from AND ($to IS NULL OR n.validTo <= $to)))
OPTIONAL MATCH (a)-[r]->(b)
WHERE kind = 'relationship' AND r.status IN $status
  AND ((r.date >= $from AND ($to IS NULL OR r.date <= $to))
       OR (r.validFrom >= $from AND ($to IS NULL OR r.validFrom <= $to))
       OR (r.validTo >= $from AND ($to IS NULL OR r.validTo <= $to)))
WITH kind, n, a, r, b
WHERE n IS NOT NULL OR r IS NOT NULL
UNWIND [0, 1, 2] AS i
WITH kind, n, a, r, b, i,
     CASE WHEN kind = 'node' THEN CASE i WHEN 0 THEN n.date WHEN 1 THEN n.validFrom ELSE n.validTo END
          ELSE CASE i WHEN 0 THEN r.date WHEN 1 THEN r.validFrom ELSE r.validTo END END AS date,
     CASE WHEN kind = 'node'
          THEN CASE i WHEN 0 THEN n.datePrecision WHEN 1 THEN n.validFromPrecision ELSE n.validToPrecision END
          ELSE CASE i WHEN 0 THEN r.datePrecision WHEN 1 THEN r.validFromPrecision ELSE r.validToPrecision END
     END AS datePrecision
WHERE date >= $from AND ($to IS NULL OR date <= $to)
WITH date, datePrecision,
     CASE i WHEN 0 THEN 'happened' WHEN 1 THEN 'began' ELSE 'ended' END AS change,
     CASE WHEN kind = 'node' THEN label(n) ELSE label(r) END AS type,
     CASE WHEN kind = 'node' THEN n.name ELSE a.name + ' -> ' + b.name END AS fact,
     CASE WHEN kind = 'node' THEN n.id ELSE r.id END AS id,
     CASE WHEN kind = 'node' THEN n.status ELSE r.status END AS status,
     CASE WHEN kind = 'node' THEN n.sources ELSE r.sources END AS sources
RETURN date, change, type, fact, id, status, sources, datePrecision
ORDER BY date, change, fact, id
// dialect: neo4j
UNWIND [0, 1, 2] AS i
OPTIONAL MATCH (n)
WHERE n.status IN $status
  AND CASE i WHEN 0 THEN n.date WHEN 1 THEN n.validFrom ELSE n.validTo END >= $from
  AND ($to IS NULL OR CASE i WHEN 0 THEN n.date WHEN 1 THEN n.validFrom ELSE n.validTo END <= $to)
WITH collect({date: CASE i WHEN 0 THEN n.date WHEN 1 THEN n.validFrom ELSE n.validTo END,
              change: CASE i WHEN 0 THEN 'happened' WHEN 1 THEN 'began' ELSE 'ended' END,
              datePrecision: CASE i WHEN 0 THEN n.datePrecision WHEN 1 THEN n.validFromPrecision
                             ELSE n.validToPrecision END,
              type: labels(n)[0], fact: n.name, id: n.id, status: n.status, sources: n.sources}) AS nodeRows
UNWIND [0, 1, 2] AS i
OPTIONAL MATCH (a)-[r]->(b)
WHERE r.status IN $status
  AND CASE i WHEN 0 THEN r.date WHEN 1 THEN r.validFrom ELSE r.validTo END >= $from
  AND ($to IS NULL OR CASE i WHEN 0 THEN r.date WHEN 1 THEN r.validFrom ELSE r.validTo END <= $to)
WITH nodeRows, collect({date: CASE i WHEN 0 THEN r.date WHEN 1 THEN r.validFrom ELSE r.validTo END,
                        change: CASE i WHEN 0 THEN 'happened' WHEN 1 THEN 'began' ELSE 'ended' END,
                        datePrecision: CASE i WHEN 0 THEN r.datePrecision WHEN 1 THEN r.validFromPrecision
                                       ELSE r.validToPrecision END,
                        type: type(r), fact: a.name + ' -> ' + b.name, id: r.id, status: r.status,
                        sources: r.sources}) AS relRows
UNWIND nodeRows + relRows AS row
WITH row WHERE row.date IS NOT NULL
RETURN row.date AS date, row.change AS change, row.type AS type, row.fact AS fact, row.id AS id,
       row.status AS status, row.sources AS sources, row.datePrecision AS datePrecision
ORDER BY date, change, fact, id
