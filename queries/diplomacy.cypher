// Diplomacy: official visits, meetings between persons, who held which post.
// A visit or summit is an Event; the people in it are linked by PARTICIPATED_IN
// with a role (host, visitor, guest, ...). Posts are Person-[:HOLDS]->Position,
// with the interval in validFrom/validTo, and Position-[:POST_IN]->State or
// Organization (an organization is PART_OF its state).
//
// Speed (LadybugDB 0.14.1): a second aggregation grouping by the lists the first
// one collected took 4.1 s for 2,058 rows at a million relationships (PROFILE), so
// `visits` collects everything in one aggregation keyed by nodes and scalars, and
// walks LOCATED_IN from the venue (`*0..6`), not from the event. Not yet reduced to
// a minimal reproduction: a plain `UNWIND ... WITH [..] AS k, count(*)` is fast.

// name: visits
// description: Official visits: who travelled, holding which post then, from where to where, when.
// One row per traveller per visit or summit: each person taking part in an
// event of kind visit or summit as a visitor (a role starting with "visit",
// e.g. "visitor (delegation head)") or as a guest. The post is the one the traveller
// held on the day of the visit; "from" is the state of that post (or the
// traveller's citizenship); "to" is where the event took place and the state
// it lies in. Status and sources are those of the visit itself.
// param: visitor node? -- only visits by this person
// param: destination node? -- only visits to this place or to a place inside this state
// param: home node? -- only visitors coming from this state
// param: from date? -- first day (default: the earliest visit)
// param: to enddate? -- last day (default: the latest visit)
// mode: read
MATCH (p:Person)-[v:PARTICIPATED_IN]->(e:Event)
WHERE e.kind IN ['visit', 'summit'] AND (v.role STARTS WITH 'visit' OR v.role CONTAINS 'guest')
  AND ($visitor IS NULL OR p.id = $visitor)
  AND ($destination IS NULL
       OR EXISTS { MATCH (e)-[:HELD_AT]->(x) WHERE x.id = $destination }
       OR EXISTS { MATCH (e)-[:HELD_AT]->(:Place)-[:LOCATED_IN*1..6]->(x) WHERE x.id = $destination })
WITH p, v, e, coalesce(e.date, e.validFrom) AS day
WHERE ($from IS NULL OR day >= $from) AND ($to IS NULL OR day <= $to)
OPTIONAL MATCH (p)-[h:HOLDS]->(pos:Position)
WHERE (h.validFrom IS NULL OR h.validFrom <= day) AND (h.validTo IS NULL OR h.validTo >= day)
OPTIONAL MATCH (pos)-[:POST_IN|PART_OF*1..4]->(postState:State)
OPTIONAL MATCH (p)-[:CITIZEN_OF]->(citizenship:State)
OPTIONAL MATCH (e)-[:HELD_AT]->(venue)
OPTIONAL MATCH (venue)-[:LOCATED_IN*0..6]->(dest:State)
WITH p, v, e, day, coalesce(collect(DISTINCT pos.name), []) AS posts,
     coalesce(collect(DISTINCT postState.name), []) AS postStates,
     coalesce(collect(DISTINCT postState.id), []) AS postStateIds,
     coalesce(collect(DISTINCT citizenship.name), []) AS citizenships,
     coalesce(collect(DISTINCT citizenship.id), []) AS citizenshipIds,
     coalesce(collect(DISTINCT venue.name), []) AS places,
     coalesce(collect(DISTINCT dest.name), []) AS destination
WITH p, v, e, day, posts, places, destination,
     CASE WHEN size(postStates) > 0 THEN postStates ELSE citizenships END AS homes,
     CASE WHEN size(postStateIds) > 0 THEN postStateIds ELSE citizenshipIds END AS homeIds
WHERE $home IS NULL OR $home IN homeIds
RETURN day AS date, CASE WHEN e.date IS NULL THEN e.validFromPrecision ELSE e.datePrecision END AS datePrecision,
       p.name AS visitor, posts AS post, homes AS `from`, places AS `to`, destination,
       e.name AS event, v.role AS role, e.status AS status, e.sources AS sources
ORDER BY date, visitor, event, role

// name: meetings
// description: Meetings between two persons: every event both took part in, with their roles.
// Without `b`, every person `a` met. An event counts when both persons are
// linked to it by PARTICIPATED_IN (summits, visits, talks, commission meetings).
// param: a node -- one person (id, name or alias)
// param: b node? -- the other person (default: anyone)
// param: from date? -- first day (default: the earliest meeting)
// param: to enddate? -- last day (default: the latest meeting)
// mode: read
MATCH (a:Person)-[ra:PARTICIPATED_IN]->(e:Event)<-[rb:PARTICIPATED_IN]-(b:Person)
WHERE a.id = $a AND b.id <> a.id AND ($b IS NULL OR b.id = $b)
WITH a, ra, e, b, rb, coalesce(e.date, e.validFrom) AS day
WHERE ($from IS NULL OR day >= $from) AND ($to IS NULL OR day <= $to)
OPTIONAL MATCH (e)-[:HELD_AT]->(venue)
WITH a, ra, e, b, rb, day, coalesce(collect(DISTINCT venue.name), []) AS place
RETURN day AS date, CASE WHEN e.date IS NULL THEN e.validFromPrecision ELSE e.datePrecision END AS datePrecision, e.name AS event, e.kind AS kind,
       a.name AS person, ra.role AS role, b.name AS met, rb.role AS metRole,
       place, e.status AS status, e.sources AS sources
ORDER BY date, met

// name: officials
// description: Who held which post in a state (or organization) on a date.
// A post counts for a state when it is POST_IN the state itself or in one of
// its organizations (ministries, parties, agencies). Open-ended intervals
// count as still held. Status and sources are those of the holding.
// param: state node? -- only posts in this state or organization (default: all)
// param: day enddate = today -- the day (YYYY-MM-DD or today; 2005 means its last day, as with --as-of)
// mode: read
MATCH (p:Person)-[h:HOLDS]->(pos:Position)-[:POST_IN]->(body)
WHERE (h.validFrom IS NULL OR h.validFrom <= $day) AND (h.validTo IS NULL OR h.validTo >= $day)
  AND ($state IS NULL OR body.id = $state
       OR EXISTS { MATCH (body)-[:PART_OF*1..3]->(x) WHERE x.id = $state })
OPTIONAL MATCH (pos)-[:POST_IN|PART_OF*1..4]->(s:State)
RETURN coalesce(collect(DISTINCT s.name), []) AS state, pos.name AS post, pos.rank AS rank, p.name AS person,
       body.name AS postIn, h.validFrom AS since, h.validTo AS until, h.status AS status, h.sources AS sources,
       h.validFromPrecision AS sincePrecision, h.validToPrecision AS untilPrecision
ORDER BY postIn, post, since
