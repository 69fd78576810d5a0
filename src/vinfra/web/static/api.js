// The REST client: every call carries the Bearer token from the login form; errors become Error(detail).
let token = sessionStorage.getItem("vinfra-token");
export const session = { user: sessionStorage.getItem("vinfra-user"), role: sessionStorage.getItem("vinfra-role") };

export function loggedIn() { return !!token; }

export async function login(username, password) {
  // credentials "omit": the server answers a wrong password with "WWW-Authenticate: Basic", and a browser
  // would put up its own password dialog for a request that sends credentials
  const r = await fetch("/tokens", { method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password, name: "web" }) });
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail || body.title || `HTTP ${r.status}`);
  token = body.token; session.user = body.user; session.role = body.role;
  sessionStorage.setItem("vinfra-token", token);
  sessionStorage.setItem("vinfra-user", body.user);
  sessionStorage.setItem("vinfra-role", body.role);
  return body;
}

export async function logout() {
  try { await call("DELETE", "/tokens/current"); } catch (e) { /* already gone */ }
  token = null; sessionStorage.clear();
}

export async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, credentials: "omit", body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 204) return null;
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const err = new Error((data && (data.detail || data.title)) || `HTTP ${r.status}`);
    err.status = r.status; err.body = data;
    throw err;
  }
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);

// every row of a paginated collection
export async function all(section, query = "") {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await get(`/${section}?limit=1000&offset=${offset}${query}`);
    out.push(...page.results);
    if (!page.next) return out;
  }
}

// server-sent events with the Bearer header (EventSource cannot send one): read the stream with fetch
export async function streamEvents(since, onEvent, signal) {
  const r = await fetch(`/events/stream?since=${since}`, { credentials: "omit", headers: { Authorization: `Bearer ${token}` }, signal });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut); buf = buf.slice(cut + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) onEvent(JSON.parse(data));
    }
  }
}

export const canOperate = () => session.role === "Administrator" || session.role === "Operator";
export const canConfigure = () => session.role === "Administrator";
