// Evidence: claim statuses and sources. Every node and relationship carries a
// status (confirmed, reported, alleged, denied, planned) and sources, each
// "DOCUMENT-ID | LOCATOR"; ALLEGED and DENIED relationships record who made
// or denied a claim.

// name: claims
// description: Facts by claim status (default: everything alleged or denied), with who claimed or denied them and the sources.
// Lists every node and every relationship whose status is one of `status`.
// For a node, allegedBy and deniedBy name who alleged or denied it (through
// ALLEGED and DENIED relationships). With `about`, only that node, the nodes
// linked to it, and its own relationships.
// param: status status[] = alleged,denied -- claim statuses to list
// param: about node? -- only facts about this node
// mode: read
// order: status, date, fact
// dialect: ladybug
// Nodes and relationships in two UNION ALL branches, sorted by `// order:`: one stream
// with a CASE per column over the two kinds took 2.3 s at a million relationships (80,000
// facts). The filters sit in a WITH: LadybugDB 0.14.1 drops conditions on parameters in
// some MATCH ... WHERE clauses (see queries/network.cypher).
MATCH (n)
WITH n WHERE n.status IN $status
  AND ($about IS NULL OR n.id = $about OR EXISTS { MATCH (n)--(m) WHERE m.id = $about })
OPTIONAL MATCH (al)-[:ALLEGED]->(n)
WITH n, list_sort(collect(DISTINCT al.name)) AS alleged
OPTIONAL MATCH (dn)-[:DENIED]->(n)
WITH n, alleged, list_sort(collect(DISTINCT dn.name)) AS denied
RETURN n.status AS status, label(n) AS type, n.name AS fact, coalesce(n.date, n.validFrom) AS date,
       coalesce(alleged, CAST([] AS STRING[])) AS allegedBy, coalesce(denied, CAST([] AS STRING[])) AS deniedBy,
       n.note AS note, n.sources AS sources, n.id AS id,
       CASE WHEN n.date IS NULL THEN n.validFromPrecision ELSE n.datePrecision END AS datePrecision
UNION ALL
MATCH (a)-[r]->(b)
WITH a, r, b WHERE r.status IN $status AND ($about IS NULL OR a.id = $about OR b.id = $about)
RETURN r.status AS status, label(r) AS type, a.name + ' -[' + label(r) + ']-> ' + b.name AS fact,
       coalesce(r.date, r.validFrom) AS date, CAST([] AS STRING[]) AS allegedBy, CAST([] AS STRING[]) AS deniedBy,
       r.note AS note, r.sources AS sources, r.id AS id,
       CASE WHEN r.date IS NULL THEN r.validFromPrecision ELSE r.datePrecision END AS datePrecision
// dialect: neo4j
OPTIONAL MATCH (n)
WHERE n.status IN $status
  AND ($about IS NULL OR n.id = $about OR EXISTS { MATCH (n)--(m) WHERE m.id = $about })
OPTIONAL MATCH (al)-[:ALLEGED]->(n)
WITH n, collect(DISTINCT al.name) AS alleged
OPTIONAL MATCH (dn)-[:DENIED]->(n)
WITH n, alleged, collect(DISTINCT dn.name) AS denied
WITH collect({status: n.status, type: labels(n)[0], fact: n.name, id: n.id, date: coalesce(n.date, n.validFrom),
              datePrecision: CASE WHEN n.date IS NULL THEN n.validFromPrecision ELSE n.datePrecision END,
              allegedBy: alleged, deniedBy: denied, note: n.note, sources: n.sources}) AS nodeRows
OPTIONAL MATCH (a)-[r]->(b)
WHERE r.status IN $status AND ($about IS NULL OR a.id = $about OR b.id = $about)
WITH nodeRows, collect({status: r.status, type: type(r), fact: a.name + ' -[' + type(r) + ']-> ' + b.name,
                        id: r.id, date: coalesce(r.date, r.validFrom), allegedBy: [], deniedBy: [],
                        datePrecision: CASE WHEN r.date IS NULL THEN r.validFromPrecision ELSE r.datePrecision END,
                        note: r.note, sources: r.sources}) AS relRows
UNWIND nodeRows + relRows AS row
WITH row WHERE row.id IS NOT NULL
RETURN row.status AS status, row.type AS type, row.fact AS fact, row.date AS date,
       row.allegedBy AS allegedBy, row.deniedBy AS deniedBy, row.note AS note, row.sources AS sources,
       row.id AS id, row.datePrecision AS datePrecision
ORDER BY status, date, fact

// name: sources
// description: Every fact about one node, each with its source document and locator.
// One row per citation: the node's own properties ("node"), then each of its
// relationships ("->" outgoing, "<-" incoming) with the node at the other
// end. The document columns come from the cited Document node.
// param: node node -- the node (id, name or alias)
// mode: read
// order: fact DESC, type, other, document, locator
// dialect: ladybug
// One branch per kind of fact (the node's own citations, outgoing, incoming), sorted by
// `// order:`: one stream with a CASE per column over the kinds took 1.2 s of the engine's
// time for Russia at a million relationships (150,000 citations), the branches 0.7 s in all.
// The document id is bound before the Document match (matched on an expression, it scanned
// the Documents per citation). Citations are stored as "DOC | LOCATOR" (relgraph.model.SEP),
// so both parts are cut out by position: LadybugDB 0.14's trim() of a part of 12 bytes or
// fewer returned invalid UTF-8 (tests/test_queries_canned.py).
MATCH (n) WHERE n.id = $node
UNWIND coalesce(n.sources, CAST([] AS STRING[])) AS citation
WITH 'node' AS fact, label(n) AS type, n.name AS other, n.status AS status, citation,
     string_split(citation, '|') AS parts
WITH fact, type, other, status,
     CASE WHEN size(parts) > 1 THEN substring(citation, 1, size(parts[1]) - 1) ELSE citation END AS docId,
     CASE WHEN size(parts) > 1 THEN substring(citation, size(parts[1]) + 3, size(citation)) ELSE '' END AS locator
OPTIONAL MATCH (d:Document) WHERE d.id = docId
RETURN fact, type, other, status, docId AS document, d.name AS title, d.publisher AS publisher,
       d.published AS published, locator, d.publishedPrecision AS publishedPrecision
UNION ALL
MATCH (n)-[r]->(m) WHERE n.id = $node
UNWIND coalesce(r.sources, CAST([] AS STRING[])) AS citation
WITH '->' AS fact, label(r) AS type, m.name AS other, r.status AS status, citation,
     string_split(citation, '|') AS parts
WITH fact, type, other, status,
     CASE WHEN size(parts) > 1 THEN substring(citation, 1, size(parts[1]) - 1) ELSE citation END AS docId,
     CASE WHEN size(parts) > 1 THEN substring(citation, size(parts[1]) + 3, size(citation)) ELSE '' END AS locator
OPTIONAL MATCH (d:Document) WHERE d.id = docId
RETURN fact, type, other, status, docId AS document, d.name AS title, d.publisher AS publisher,
       d.published AS published, locator, d.publishedPrecision AS publishedPrecision
UNION ALL
MATCH (n)<-[r]-(m) WHERE n.id = $node
UNWIND coalesce(r.sources, CAST([] AS STRING[])) AS citation
WITH '<-' AS fact, label(r) AS type, m.name AS other, r.status AS status, citation,
     string_split(citation, '|') AS parts
WITH fact, type, other, status,
     CASE WHEN size(parts) > 1 THEN substring(citation, 1, size(parts[1]) - 1) ELSE citation END AS docId,
     CASE WHEN size(parts) > 1 THEN substring(citation, size(parts[1]) + 3, size(citation)) ELSE '' END AS locator
OPTIONAL MATCH (d:Document) WHERE d.id = docId
RETURN fact, type, other, status, docId AS document, d.name AS title, d.publisher AS publisher,
       d.published AS published, locator, d.publishedPrecision AS publishedPrecision
// dialect: neo4j
MATCH (n) WHERE n.id = $node
UNWIND coalesce(n.sources, []) + [''] AS citation
WITH n, collect({fact: 'node', type: labels(n)[0], other: n.name, status: n.status, citation: citation}) AS own
OPTIONAL MATCH (n)-[r]->(m)
UNWIND coalesce(r.sources, []) + [''] AS citation
WITH n, own, collect({fact: '->', type: type(r), other: m.name, status: r.status, citation: citation}) AS outgoing
OPTIONAL MATCH (n)<-[r]-(m)
UNWIND coalesce(r.sources, []) + [''] AS citation
WITH own, outgoing, collect({fact: '<-', type: type(r), other: m.name, status: r.status,
                             citation: citation}) AS incoming
UNWIND own + outgoing + incoming AS row
WITH row WHERE row.citation <> ''
WITH row, split(row.citation, '|') AS parts
WITH row, parts, trim(parts[0]) AS docId
OPTIONAL MATCH (d:Document) WHERE d.id = docId
RETURN row.fact AS fact, row.type AS type, row.other AS other, row.status AS status,
       docId AS document, d.name AS title, d.publisher AS publisher, d.published AS published,
       trim(substring(row.citation, size(parts[0]) + 1)) AS locator, d.publishedPrecision AS publishedPrecision
ORDER BY fact DESC, type, other, document, locator
