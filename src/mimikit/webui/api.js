// Talking to the server: the API token (given once as `/?token=…`, then kept in sessionStorage),
// JSON requests, and the URLs the browser loads by itself (EventSource, artifact links).

const TOKEN_KEY = 'mimikit:token';

function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash); // keep it out of the address bar and history
  }
  return sessionStorage.getItem(TOKEN_KEY) || undefined;
}

const token = takeTokenFromUrl();

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function failure(res) {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) message = `${message} — open the page as /?token=<MIMIKIT_API_TOKEN>`;
  return new ApiError(res.status, message);
}

/** GET → `{body, seq}` (`seq`: the event seq the answer is consistent with). */
export async function getJson(path) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return { body: await res.json(), seq: Number(res.headers.get('x-mimikit-seq') ?? 0) };
}

export async function getText(path) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return res;
}

/** POST JSON (the server refuses a POST without JSON or the custom header: no cross-site form can reach it). */
export async function postJson(path, body = {}) {
  const res = await fetch(path, {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json', 'x-mimikit-request': '1' }),
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return res.json();
}

/** The SSE URL; `lastEventId` resumes a new EventSource where the previous one stopped. */
export function eventsUrl(lastEventId) {
  const params = new URLSearchParams();
  if (token) params.set('token', token);
  if (lastEventId) params.set('lastEventId', lastEventId);
  const query = params.toString();
  return `/api/events${query ? `?${query}` : ''}`;
}

/** `/artifacts/<path>` (with the token when one is in use: links cannot carry a header). */
export function artifactUrl(relative) {
  const path = relative.split('/').map(encodeURIComponent).join('/');
  return `/artifacts/${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
