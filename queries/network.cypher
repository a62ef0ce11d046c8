// Network: neighbourhoods, shortest connections, shared links, name search.
// These need the type of a node or relationship, which the dialects spell
// differently (LadybugDB: label(x); Neo4j: labels(n)[0], type(r)), and shortest
// paths (LadybugDB: `* SHORTEST`; Neo4j: shortestPath()), so each query has a
// body per dialect.
//
// `neighbors` on LadybugDB 0.14.1, rings matched step by step (busiest person at
// a million relationships: hops=2 4.5 s by one `* SHORTEST` search, 0.7 s so;
// hops=3 9 s, 3.3 s so). One UNION ALL branch per `hops`:
// - Ring 1, a plain one-step match (always).
// - hops=2: the one-step rows again with one more step from each node: every
//   node seen gets ring 1 or 2, the smallest wins (grouped by internal id, as
//   grouping by node costs twice as much, and a CASE that picks one of two nodes
//   crashes the engine). The way there is the one with the
//   smallest type and relationship id, so every run gives the same rows; its
//   fields travel packed in one text (joined by \u001f, the sources by \u001e)
//   for one min(), where collecting them into lists cost 0.2 s more. Not
//   `* SHORTEST`: reading `rels(p)` of its paths costs about 0.2 ms a row, and
//   it ignores the node condition of its pattern while it searches, so a node
//   reached only around a node outside the --from/--to window was missed. The
//   second step's type and date tests sit in the WITH after it: in its MATCH ...
//   WHERE, `label(r) IN $types` with a test of the far node's dates dropped rows
//   (a wrong answer), and a type test there made the engine scan whole
//   relationship tables.
// - hops=3: rings 2 and 3 in one branch, so the second ring is matched once. The
//   rings up to 2 as above (the way keyed by type and id only), one more step
//   from the ring-2 nodes (joined back by internal id), the least ring winning
//   again; each ring-2 and ring-3 node's chosen last relationship is then found
//   again from the node by its type and id for its status and sources (packing
//   them into the key of 1.1 million rows cost as much). The same ring-2 rows as
//   the hops=2 branch (tested), which stays its own: this branch cut at ring 2
//   took 1.8 s against its 0.75 s (busiest person), for the lookups at its end.
// `// when:` sends a branch only when `hops` asks for it
// (queries/README.md): LadybugDB drops a predicate on parameters alone in
// MATCH ... WHERE, a `WITH a WHERE $hops > 1` before the search makes it search
// from every node (see benchmarks/engine.py), and a branch that can give no row
// still cost 0.35 s (its joins are built from scans). Aggregates are passed
// through `UNWIND [x] AS y` before another aggregation reads them: the binder
// calls that a nested aggregation otherwise. The branches come back in any
// order and an ORDER BY would sort only the last one: `// order:` sorts the rows.

// name: neighbors
// description: The k-hop neighbourhood of a node, filtered by relationship types and dates.
// Every node within `hops` steps (at most 3), with its distance, the
// relationship types along a shortest way there, and the status and sources
// of the last step. With `from`/`to`, only relationships and nodes whose date
// or validity overlaps that period count (undated ones always do): an event
// of 2023 is not a neighbour "up to 2003".
// param: node node -- the centre (id, name or alias)
// param: hops int(1..3) = 1 -- how many steps out
// param: types reltype[]? -- relationship types to follow (default: all)
// param: from date? -- ignore relationships and nodes that ended or happened before this day
// param: to enddate? -- ignore relationships and nodes that began or happened after this day
// mode: read
// order: hops, type, name, id
// dialect: ladybug
MATCH (a)-[r]-(b) WHERE a.id = $node AND label(r) IN $types
  AND ($to IS NULL OR coalesce(r.validFrom, r.date) IS NULL OR coalesce(r.validFrom, r.date) <= $to)
  AND ($from IS NULL OR coalesce(r.validTo, r.date) IS NULL OR coalesce(r.validTo, r.date) >= $from)
WITH a, b, r WHERE b.id <> a.id
  AND ($to IS NULL OR coalesce(b.validFrom, b.date) IS NULL OR coalesce(b.validFrom, b.date) <= $to)
  AND ($from IS NULL OR coalesce(b.validTo, b.date) IS NULL OR coalesce(b.validTo, b.date) >= $from)
WITH b, collect([label(r), r.status]) AS steps, collect(r.sources) AS sources
RETURN 1 AS hops, b.name AS name, label(b) AS type, b.id AS id, [steps[1][1]] AS via, steps[1][2] AS status,
       sources[1] AS sources
UNION ALL
// when: hops = 2
MATCH (a)-[r1]-(m) WHERE a.id = $node AND label(r1) IN $types
  AND ($to IS NULL OR coalesce(r1.validFrom, r1.date) IS NULL OR coalesce(r1.validFrom, r1.date) <= $to)
  AND ($from IS NULL OR coalesce(r1.validTo, r1.date) IS NULL OR coalesce(r1.validTo, r1.date) >= $from)
WITH a, m, r1 WHERE m.id <> a.id
  AND ($to IS NULL OR coalesce(m.validFrom, m.date) IS NULL OR coalesce(m.validFrom, m.date) <= $to)
  AND ($from IS NULL OR coalesce(m.validTo, m.date) IS NULL OR coalesce(m.validTo, m.date) >= $from)
WITH a, m, min(label(r1)) AS first
UNWIND [first] AS t1
OPTIONAL MATCH (m)-[r2]-(b) WHERE b.id <> a.id
UNWIND [1, 2] AS d
WITH a, d, CASE d WHEN 1 THEN id(m) ELSE id(b) END AS x, t1, r2, b
WHERE x IS NOT NULL AND (d = 1 OR (label(r2) IN $types
  AND ($to IS NULL OR coalesce(r2.validFrom, r2.date) IS NULL OR coalesce(r2.validFrom, r2.date) <= $to)
  AND ($from IS NULL OR coalesce(r2.validTo, r2.date) IS NULL OR coalesce(r2.validTo, r2.date) >= $from)
  AND ($to IS NULL OR coalesce(b.validFrom, b.date) IS NULL OR coalesce(b.validFrom, b.date) <= $to)
  AND ($from IS NULL OR coalesce(b.validTo, b.date) IS NULL OR coalesce(b.validTo, b.date) >= $from)))
WITH x, min(d) AS ring,
     min(CASE WHEN d = 2 THEN label(r2) + '\u001f' + coalesce(r2.id, '') + '\u001f' + t1 + '\u001f'
         + coalesce(r2.status, '') + '\u001f' + coalesce(b.name, '') + '\u001f' + label(b) + '\u001f' + b.id
         + '\u001f' + list_to_string('\u001e', coalesce(r2.sources, CAST([] AS STRING[]))) END) AS best
UNWIND [best] AS found
WITH ring, string_split(found, '\u001f') AS w WHERE ring = 2
RETURN 2 AS hops, CASE WHEN w[5] = '' THEN NULL ELSE w[5] END AS name, w[6] AS type, w[7] AS id,
       [w[3], w[1]] AS via, CASE WHEN w[4] = '' THEN NULL ELSE w[4] END AS status,
       CASE WHEN w[8] = '' THEN CAST([] AS STRING[]) ELSE string_split(w[8], '\u001e') END AS sources
UNION ALL
// when: hops >= 3
MATCH (a)-[r1]-(m) WHERE a.id = $node AND label(r1) IN $types
  AND ($to IS NULL OR coalesce(r1.validFrom, r1.date) IS NULL OR coalesce(r1.validFrom, r1.date) <= $to)
  AND ($from IS NULL OR coalesce(r1.validTo, r1.date) IS NULL OR coalesce(r1.validTo, r1.date) >= $from)
WITH a, m, r1 WHERE m.id <> a.id
  AND ($to IS NULL OR coalesce(m.validFrom, m.date) IS NULL OR coalesce(m.validFrom, m.date) <= $to)
  AND ($from IS NULL OR coalesce(m.validTo, m.date) IS NULL OR coalesce(m.validTo, m.date) >= $from)
WITH a, m, min(label(r1)) AS first
UNWIND [first] AS t1
OPTIONAL MATCH (m)-[r2]-(b) WHERE b.id <> a.id
UNWIND [1, 2] AS d
WITH a, d, CASE d WHEN 1 THEN id(m) ELSE id(b) END AS x, t1, r2, b
WHERE x IS NOT NULL AND (d = 1 OR (label(r2) IN $types
  AND ($to IS NULL OR coalesce(r2.validFrom, r2.date) IS NULL OR coalesce(r2.validFrom, r2.date) <= $to)
  AND ($from IS NULL OR coalesce(r2.validTo, r2.date) IS NULL OR coalesce(r2.validTo, r2.date) >= $from)
  AND ($to IS NULL OR coalesce(b.validFrom, b.date) IS NULL OR coalesce(b.validFrom, b.date) <= $to)
  AND ($from IS NULL OR coalesce(b.validTo, b.date) IS NULL OR coalesce(b.validTo, b.date) >= $from)))
WITH a, x, min(d) AS near, min(CASE WHEN d = 2 THEN label(r2) + '\u001f' + coalesce(r2.id, '') + '\u001f' + t1 END)
     AS least
UNWIND [near] AS ring
UNWIND [least] AS way2
UNWIND [1, 2] AS e
OPTIONAL MATCH (n)-[r3]-(c) WHERE e = 2 AND ring = 2 AND id(n) = x AND c.id <> a.id
WITH e, CASE e WHEN 1 THEN x ELSE id(c) END AS y, ring, way2, r3, c
WHERE y IS NOT NULL AND (e = 1 OR (label(r3) IN $types
  AND ($to IS NULL OR coalesce(r3.validFrom, r3.date) IS NULL OR coalesce(r3.validFrom, r3.date) <= $to)
  AND ($from IS NULL OR coalesce(r3.validTo, r3.date) IS NULL OR coalesce(r3.validTo, r3.date) >= $from)
  AND ($to IS NULL OR coalesce(c.validFrom, c.date) IS NULL OR coalesce(c.validFrom, c.date) <= $to)
  AND ($from IS NULL OR coalesce(c.validTo, c.date) IS NULL OR coalesce(c.validTo, c.date) >= $from)))
WITH y, min(CASE e WHEN 1 THEN ring ELSE 3 END) AS far, min(CASE WHEN e = 1 THEN way2 END) AS own,
     min(CASE WHEN e = 2 THEN label(r3) + '\u001f' + coalesce(r3.id, '') + '\u001f' + way2 END) AS chosen
WHERE far >= 2
UNWIND [far] AS hops
UNWIND [CASE far WHEN 2 THEN own ELSE chosen END] AS found
WITH y, hops, string_split(found, '\u001f') AS w
MATCH (c)-[r]-() WHERE id(c) = y AND label(r) = w[1] AND r.id = w[2]
RETURN hops, c.name AS name, label(c) AS type, c.id AS id,
       CASE hops WHEN 2 THEN [w[3], w[1]] ELSE [w[5], w[3], w[1]] END AS via, r.status AS status,
       r.sources AS sources
// dialect: neo4j
MATCH (a) WHERE a.id = $node
MATCH p = ANY SHORTEST (a) (()-[r]-(x)
      WHERE type(r) IN $types
        AND ($to IS NULL OR coalesce(r.validFrom, r.date) IS NULL OR coalesce(r.validFrom, r.date) <= $to)
        AND ($from IS NULL OR coalesce(r.validTo, r.date) IS NULL OR coalesce(r.validTo, r.date) >= $from)
        AND ($to IS NULL OR coalesce(x.validFrom, x.date) IS NULL OR coalesce(x.validFrom, x.date) <= $to)
        AND ($from IS NULL OR coalesce(x.validTo, x.date) IS NULL OR coalesce(x.validTo, x.date) >= $from)
    ){1,3} (b)
WHERE b <> a AND length(p) <= $hops
WITH b, p, length(p) AS hops, relationships(p)[length(p) - 1] AS last
RETURN hops, b.name AS name, labels(b)[0] AS type, b.id AS id, [r IN relationships(p) | type(r)] AS via,
       last.status AS status, last.sources AS sources
ORDER BY hops, type, name, id

// name: shortest-path
// description: The shortest connection between two nodes, hop by hop, with each link's status and sources.
// One row per step along one shortest path (at most 8 steps). The link shows
// the relationship type and its direction. Where several paths are equally
// short, one of them is shown.
// param: a node -- where the path starts (id, name or alias)
// param: b node -- where it ends
// param: types reltype[]? -- relationship types it may use (default: all)
// mode: read
// dialect: ladybug
MATCH (a) WHERE a.id = $a
MATCH (b) WHERE b.id = $b
MATCH p = (a)-[* SHORTEST 1..8 (r, x | WHERE label(r) IN $types)]-(b)
WITH list_transform(nodes(p), v -> v.name) AS names, list_transform(nodes(p), v -> id(v)) AS ids,
     list_transform(rels(p), e -> label(e)) AS relTypes, list_transform(rels(p), e -> e._src) AS srcs,
     list_transform(rels(p), e -> e.status) AS statuses, list_transform(rels(p), e -> e.sources) AS sources
UNWIND range(1, size(relTypes)) AS i
RETURN i AS step, names[i] AS `from`,
       CASE WHEN srcs[i] = ids[i] THEN '-[' + relTypes[i] + ']->' ELSE '<-[' + relTypes[i] + ']-' END AS link,
       names[i + 1] AS `to`, statuses[i] AS status, sources[i] AS sources
ORDER BY step
// dialect: neo4j
MATCH (a) WHERE a.id = $a
MATCH (b) WHERE b.id = $b
MATCH p = shortestPath((a)-[*1..8]-(b))
WHERE all(r IN relationships(p) WHERE type(r) IN $types)
UNWIND range(0, length(p) - 1) AS i
WITH i, nodes(p)[i] AS x, relationships(p)[i] AS r, nodes(p)[i + 1] AS y
RETURN i + 1 AS step, x.name AS `from`,
       CASE WHEN startNode(r) = x THEN '-[' + type(r) + ']->' ELSE '<-[' + type(r) + ']-' END AS link,
       y.name AS `to`, r.status AS status, r.sources AS sources
ORDER BY step

// name: common-partners
// description: What two nodes are both linked to, how each is linked, with status and sources.
// One row per node linked directly to both `a` and `b` (a shared treaty,
// project, event, organization, ...), with the relationship types and their
// claim statuses on each side and the sources of those links.
// param: a node -- one node (id, name or alias)
// param: b node -- the other node
// param: types reltype[]? -- only links of these types (default: all)
// mode: read
// dialect: ladybug
MATCH (a)-[ra]-(x)-[rb]-(b)
WHERE a.id = $a AND b.id = $b AND x.id <> a.id AND x.id <> b.id
  AND label(ra) IN $types AND label(rb) IN $types
UNWIND ra.sources + rb.sources AS source
RETURN x.name AS shared, label(x) AS type, x.id AS id,
       collect(DISTINCT label(ra) + ' (' + ra.status + ')') AS aLinks,
       collect(DISTINCT label(rb) + ' (' + rb.status + ')') AS bLinks,
       collect(DISTINCT source) AS sources
ORDER BY type, shared
// dialect: neo4j
MATCH (a)-[ra]-(x)-[rb]-(b)
WHERE a.id = $a AND b.id = $b AND x.id <> a.id AND x.id <> b.id
  AND type(ra) IN $types AND type(rb) IN $types
UNWIND ra.sources + rb.sources AS source
RETURN x.name AS shared, labels(x)[0] AS type, x.id AS id,
       collect(DISTINCT type(ra) + ' (' + ra.status + ')') AS aLinks,
       collect(DISTINCT type(rb) + ' (' + rb.status + ')') AS bLinks,
       collect(DISTINCT source) AS sources
ORDER BY type, shared

// name: search
// description: Find nodes whose name, alias or id contains a fragment (ignoring case).
// Use it to find the id or exact name to pass to other queries. Matching
// is case-insensitive; `matchedAliases` shows which aliases matched.
// param: text string -- the fragment to look for, e.g. "khasan" or "choe"
// param: type label? -- only nodes of this type (State, Person, Project, ...)
// mode: read
// dialect: ladybug
MATCH (n)
WITH n, lower($text) AS t
WITH n, t, list_filter(n.aliases, al -> lower(al) CONTAINS t) AS matched
WHERE ($type IS NULL OR label(n) = $type)
  AND (lower(n.name) CONTAINS t OR lower(n.id) CONTAINS t OR size(matched) > 0)
RETURN n.name AS name, label(n) AS type, n.id AS id, coalesce(matched, []) AS matchedAliases,
       n.status AS status, n.description AS description
ORDER BY type, name
// dialect: neo4j
MATCH (n)
WITH n, toLower($text) AS t
WITH n, t, [al IN coalesce(n.aliases, []) WHERE toLower(al) CONTAINS t] AS matched
WHERE ($type IS NULL OR $type IN labels(n))
  AND (toLower(n.name) CONTAINS t OR toLower(n.id) CONTAINS t OR size(matched) > 0)
RETURN n.name AS name, labels(n)[0] AS type, n.id AS id, matched AS matchedAliases,
       n.status AS status, n.description AS description
ORDER BY type, name
