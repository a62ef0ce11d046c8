// Cooperation: joint projects (State|Organization|Person-[:PARTNER_IN {role}]->Project)
// and the sanctions classification of projects and events (sanctionClass:
// non-sanctioned, gray-zone, sanctioned), with who alleged or denied them.

// name: projects
// description: Joint projects with their partners, status, domain and sanction classification.
// Each row is one project with its partners (role, and the claim status of
// the partnership), who alleged it and who denied it.
// param: partner node? -- only projects this state, organization or person is a partner in
// param: domain string? -- only this domain (transport, energy, military, tourism, ...)
// param: class sanctionClass? -- only this sanction class (non-sanctioned, gray-zone, sanctioned)
// param: status status[]? -- only projects with these claim statuses (default: all)
// mode: read
MATCH (pr:Project)
WHERE pr.status IN $status
  AND ($domain IS NULL OR pr.domain = $domain)
  AND ($class IS NULL OR pr.sanctionClass = $class)
  AND ($partner IS NULL OR EXISTS { MATCH (x)-[:PARTNER_IN]->(pr) WHERE x.id = $partner })
OPTIONAL MATCH (x)-[pi:PARTNER_IN]->(pr)
WITH pr, coalesce(collect(DISTINCT x.name + ' (' + coalesce(pi.role, 'partner') + ', ' + pi.status + ')'), []) AS partners
OPTIONAL MATCH (al)-[:ALLEGED]->(pr)
WITH pr, partners, coalesce(collect(DISTINCT al.name), []) AS allegedBy
OPTIONAL MATCH (dn)-[:DENIED]->(pr)
RETURN pr.name AS project, pr.domain AS domain, pr.sanctionClass AS sanctionClass, pr.status AS status,
       pr.validFrom AS since, pr.validTo AS until, partners, allegedBy, coalesce(collect(DISTINCT dn.name), []) AS deniedBy,
       pr.sources AS sources, pr.validFromPrecision AS sincePrecision, pr.validToPrecision AS untilPrecision
ORDER BY project

// name: domains
// description: Cooperation grouped by sanction class (non-sanctioned / gray-zone / sanctioned) and domain.
// Counts the projects and events of each class and domain and lists them
// with their claim status: what is done openly, what in legal gray areas,
// what in breach of UN sanctions (and so, mostly, alleged and denied).
// param: party node? -- only projects and events this node is a partner or participant in
// mode: read
MATCH (x)
WHERE x.sanctionClass IS NOT NULL
  AND ($party IS NULL
       OR EXISTS { MATCH (p)-[:PARTNER_IN]->(x) WHERE p.id = $party }
       OR EXISTS { MATCH (p)-[:PARTICIPATED_IN]->(x) WHERE p.id = $party })
WITH x ORDER BY x.name SKIP 0
RETURN x.sanctionClass AS sanctionClass, x.domain AS domain, count(*) AS count,
       collect(x.name + ' [' + x.status + ']') AS items
ORDER BY CASE sanctionClass WHEN 'non-sanctioned' THEN 0 WHEN 'gray-zone' THEN 1 ELSE 2 END, domain
