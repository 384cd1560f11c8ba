// Drives Neon's serverless driver (@neondatabase/serverless, over the `ws` package) against the gateway's /v2.
// Called by NeonDriverTest with its settings in the environment; prints one JSON object, the results, on stdout.
//   PC_ENDPOINT    host:port of the gateway's HTTP port
//   PC_HEADERS     JSON object of request headers for the upgrade (e.g. X-Forwarded-Proto from a loopback proxy)
//   PC_SCENARIO    queries | concurrent | refused
//   PC_DATABASE, PC_USER, PC_PASSWORD, PC_CLIENTS (concurrent only)
//   PC_SECURE      "1": wss:// to the gateway's own HTTPS (trust its certificate with NODE_EXTRA_CA_CERTS)
//   PC_PIPELINE    "false": no pipelined password (for a gateway that asks SCRAM: portcullis.websocket.cleartext-password=false)
import { Client, Pool, neonConfig } from '@neondatabase/serverless';
import WebSocket from 'ws';

const env = process.env;
const headers = JSON.parse(env.PC_HEADERS || '{}');

// The driver opens `${wsProxy(host, port)}` with ws:// when useSecureWebSocket is false: the test gateway's HTTP
// port is plain HTTP behind a (pretend) TLS-terminating proxy on loopback; with PC_SECURE it is the gateway's HTTPS.
neonConfig.useSecureWebSocket = env.PC_SECURE === '1';
if (env.PC_PIPELINE === 'false') {
  neonConfig.pipelineConnect = false;
}
neonConfig.wsProxy = () => `${env.PC_ENDPOINT}/v2`;
neonConfig.webSocketConstructor = class extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers });
  }
};

const connectionString = `postgresql://${encodeURIComponent(env.PC_USER)}:${encodeURIComponent(env.PC_PASSWORD)}`
  + `@gateway.invalid/${env.PC_DATABASE}`;

async function queries() {
  const out = {};
  const pool = new Pool({ connectionString });
  out.simple = (await pool.query('SELECT 1 AS one')).rows[0].one;
  out.parameterized = (await pool.query('SELECT $1::int AS n, $2::text AS t', [41, 'forty-one'])).rows[0];
  await pool.end();
  const client = new Client({ connectionString });
  await client.connect();
  out.clientRows = (await client.query('SELECT $1::text AS echoed', ['via Client'])).rows;
  await client.end();
  return out;
}

async function concurrent() {
  const count = Number(env.PC_CLIENTS || 200);
  const clients = Array.from({ length: count }, () => new Client({ connectionString }));
  await Promise.all(clients.map((c) => c.connect()));
  const answers = await Promise.all(clients.map((c, i) => c.query('SELECT $1::int AS i', [i])));
  const ok = answers.every((r, i) => Number(r.rows[0].i) === i);
  await Promise.all(clients.map((c) => c.end()));
  return { sessions: count, allAnswered: ok };
}

async function refused() {
  const client = new Client({ connectionString });
  let emitted;
  client.on('error', (e) => { emitted = e; }); // the driver also emits the login's ErrorResponse as an event
  try {
    await client.connect(); // with pipelineConnect, this may resolve before the gateway has answered
    await client.query('SELECT 1');
    await client.end();
    return emitted ? { refused: true, code: emitted.code, message: emitted.message } : { refused: false };
  } catch (e) {
    const error = e.code ? e : emitted || e;
    return { refused: true, code: error.code, message: error.message };
  }
}

const scenarios = { queries, concurrent, refused };
try {
  const result = await scenarios[env.PC_SCENARIO]();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack || e), code: e && e.code }));
  process.exit(1);
}
