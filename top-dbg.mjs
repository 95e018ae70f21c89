import fs from 'node:fs';
const f = '/tmp/prof/' + fs.readdirSync('/tmp/prof').sort().pop();
const p = JSON.parse(fs.readFileSync(f));
const self = new Map(); const byId = new Map(p.nodes.map((n) => [n.id, n]));
for (let i = 0; i < p.samples.length; i++) { const n = byId.get(p.samples[i]); const k = n.callFrame.functionName + ' ' + n.callFrame.url.split('/').slice(-2).join('/') + ':' + n.callFrame.lineNumber; self.set(k, (self.get(k) || 0) + (p.timeDeltas[i] || 0)); }
const tot = [...self.values()].reduce((a, b) => a + b, 0);
[...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[2] ?? 30)).forEach(([k, v]) => console.log((v / tot * 100).toFixed(1) + '%', (v / 1000).toFixed(0) + 'ms', k));
