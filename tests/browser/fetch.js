"use strict";

// The fetch runner that page.html and differential.html share; each page's server serves it.

// Runs spec.calls identical fetches one after the other (the second call tells whether the first
// call's preflight was cached) and reports only what the calling document may read, under the
// spec's id. No `cache` option on purpose: Chromium bypasses its preflight cache for a fetch that
// bypasses the HTTP cache (`cache: "no-store"` sent a second preflight despite
// Access-Control-Max-Age).
async function runFetch(spec) {
  const init = {method: spec.method, headers: spec.headers, credentials: spec.credentials,
                mode: "cors"};
  if (spec.body != null) {
    init.body = spec.body;
  }
  const calls = [];
  for (let i = 0; i < spec.calls; i++) {
    try {
      const response = await fetch(spec.url, init);
      const headers = {};
      for (const name of spec.readHeaders) {
        headers[name] = response.headers.get(name);
      }
      calls.push({outcome: "ok", status: response.status, headers: headers,
                  body: await response.text()});
    } catch (error) {
      // A CORS failure is a network error: a TypeError that says nothing about the cause.
      calls.push({outcome: "blocked", error: String(error)});
    }
  }
  return {id: spec.id ?? null, origin: self.origin, calls: calls};
}

// A sandboxed iframe without allow-same-origin has an opaque origin, so its fetches carry
// `Origin: null`. It runs every spec at once and posts the results back, in the order of `specs`:
// postMessage is the only channel an opaque document has.
function runInSandbox(specs) {
  if (specs.length === 0) {
    return Promise.resolve([]);
  }
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    function onMessage(event) {
      if (event.source === frame.contentWindow) {
        window.removeEventListener("message", onMessage);
        frame.remove();
        resolve(event.data);
      }
    }
    window.addEventListener("message", onMessage);
    frame.srcdoc = "<script>\"use strict\";\n" + runFetch.toString() + "\nPromise.all(" +
      JSON.stringify(specs) + ".map(runFetch)).then((results) => parent.postMessage(results, \"*\"));\n" +
      "<\/script>";
    document.body.appendChild(frame);
  });
}
