"""Every Cypher text the Neo4j store sends, checked by Neo4j's own parser.

The statements are generated from the schema here, so a schema change is
checked too. No Neo4j server is needed (see tests/cypher_lint/).
"""

from __future__ import annotations

import re

from test_queries_lint import lint

from relgraph.schema import load_schema
from relgraph.store.neo4j import all_statements


def test_every_store_statement_passes_neo4j_parser_and_semantic_analysis() -> None:
    statements = all_statements(load_schema())
    out = lint([{"name": f"statement {i}", "text": text, "params": sorted(set(re.findall(r"\$(\w+)", text)))}
                for i, text in enumerate(statements)])
    # `row.source` and `row.target` are keys of the batch rows, not node properties;
    # the schema-aware check can't tell the two apart, so only that warning is dropped.
    row_keys = re.compile(r"^(source|target) is not present in the database\.")
    failures = {statements[int(r["name"].split()[1])]: kept
                for r in out["results"]
                if (kept := [d for d in r["diagnostics"] if not row_keys.match(d["message"])])}
    assert failures == {}
    assert len(out["results"]) == len(statements)


def test_the_lint_rejects_a_broken_store_statement() -> None:
    # The same check must be able to fail: a Kùzu-only shortest path and a typo.
    out = lint([{"name": "bad", "params": [],
                 "text": "MATCH p = (a:State)-[* SHORTEST 1..3]-(b:State) RETURN p"},
                {"name": "typo", "params": ["rows"],
                 "text": "UNWIND $rows AS row MERGE (n:State {id: row.id} SET n = row.props"}])
    assert all(r["diagnostics"] for r in out["results"])


def test_every_gds_statement_passes_neo4j_parser_and_semantic_analysis() -> None:
    """The statements of ``--engine gds``; the parser knows Neo4j's own functions,
    not the plugin's, so only "gds.… is not present" is dropped."""
    from relgraph.analytics.gds import statements as gds_statements

    statements = gds_statements(load_schema())
    out = lint([{"name": f"statement {i}", "text": text, "params": sorted(set(re.findall(r"\$(\w+)", text)))}
                for i, text in enumerate(statements)])
    plugin = re.compile(r"^Function gds\.[\w.]+ is not present in the database\.")
    failures = {statements[int(r["name"].split()[1])]: kept
                for r in out["results"]
                if (kept := [d["message"] for d in r["diagnostics"] if not plugin.match(d["message"])])}
    assert failures == {}
    assert len(out["results"]) == len(statements)
