// Scorch's service worker: keeps the app shell so the page works offline after the first
// visit. It only ever serves this site's own files; profiles never pass through it (they are
// read from disk or fetched by the page for #url=, which this worker leaves to the network).
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const CACHE = `scorch-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('scorch-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope);
  // The page itself under any query or fragment is the shell's index.html.
  const key = url.pathname === scope.pathname ? new URL('./index.html', scope).href : url.href;
  event.respondWith(
    caches.match(key, { ignoreSearch: true }).then((hit) => hit || fetch(event.request)),
  );
});
