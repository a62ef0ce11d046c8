// Machine-coded events between states (GDELT, CAMEO codes), as `relgraph import gdelt` loads them.
// They work for any pair of states, not only the curated Russia–DPRK data.

// name: cameo-events
// description: Machine-coded events between states (GDELT), in order: who did what to whom, when, with the source.
// Each row is one CAMEO_EVENT relationship: its day, the acting state, the
// CAMEO code and name, the target state, the quad class (1 verbal
// cooperation, 2 material cooperation, 3 verbal conflict, 4 material
// conflict), the Goldstein score (-10 most conflictual to +10), the news
// report it was coded from, and the citation. With `state`, only events from
// or to that state; with `other` too, only events between the two.
// param: state node? -- only events from or to this state
// param: other node? -- only events between `state` and this state
// param: from date? -- first day (default: the earliest event)
// param: to enddate? -- last day (default: the latest event)
// param: quad int(1..4)? -- only this quad class
// mode: read
MATCH (a:State)-[e:CAMEO_EVENT]->(b:State)
WHERE ($state IS NULL OR a.id = $state OR b.id = $state)
  AND ($other IS NULL OR a.id = $other OR b.id = $other)
  AND ($from IS NULL OR e.date >= $from) AND ($to IS NULL OR e.date <= $to)
  AND ($quad IS NULL OR e.quadClass = $quad)
RETURN e.date AS date, a.name AS actor, e.cameoCode AS code, e.cameoName AS event, b.name AS target,
       e.quadClass AS quad, e.goldstein AS goldstein, e.sourceUrl AS report, e.status AS status,
       e.sources AS sources
ORDER BY date, actor, target, code

// name: dyad-years
// description: Events between two states per year (GDELT, counted): how many, how cooperative or conflictual.
// One row per ordered pair of states and year, from CAMEO_DYAD_YEAR
// relationships (`relgraph import gdelt --aggregate`, or the dyad-year
// counts file): the number of events, their mean Goldstein score, and the
// counts per quad class.
// param: state node? -- only pairs with this state
// param: other node? -- only pairs of `state` and this state
// param: from int? -- first year
// param: to int? -- last year
// mode: read
MATCH (a:State)-[y:CAMEO_DYAD_YEAR]->(b:State)
WHERE ($state IS NULL OR a.id = $state OR b.id = $state)
  AND ($other IS NULL OR a.id = $other OR b.id = $other)
  AND ($from IS NULL OR y.year >= $from) AND ($to IS NULL OR y.year <= $to)
RETURN y.year AS year, a.name AS actor, b.name AS target, y.count AS events, y.meanGoldstein AS meanGoldstein,
       y.verbalCooperation AS verbalCooperation, y.materialCooperation AS materialCooperation,
       y.verbalConflict AS verbalConflict, y.materialConflict AS materialConflict, y.sources AS sources
ORDER BY year, actor, target
