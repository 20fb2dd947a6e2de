// Reads {"schema": DbSchema, "statements": [{"id", "query", "parameters"}]} on stdin and prints, as JSON,
// the diagnostics Neo4j's own linter (lintCypherQuery) reports for each statement.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { schema, statements } = JSON.parse(input);
  const results = statements.map(({ id, query, parameters }) => {
    const { diagnostics } = lintCypherQuery(query, { ...schema, parameters: parameters || {} });
    return {
      id,
      diagnostics: diagnostics.map((d) => ({ severity: d.severity, message: d.message, start: d.offsets?.start, end: d.offsets?.end })),
    };
  });
  process.stdout.write(JSON.stringify(results));
});
