// The Switchboard chat subset on Node's `ws`, as a peer for the benchmark (bench/run.sh):
// /chat/{room}?user=U: welcome; say -> message to every member (sender included) + ack;
// ping -> pong; presence join/leave counted per user. Each broadcast is encoded once to a Buffer.
// GET /health answers 200; GET /bench/stats runs gc() (with --expose-gc) and returns memoryUsage().
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 18181);
const epoch = Date.now().toString(36);
const rooms = new Map(); // name -> { seq, sockets: Set, users: Map<user, connections> }

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"UP"}');
  } else if (req.url === '/bench/stats') {
    if (global.gc) global.gc();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(process.memoryUsage()));
  } else {
    res.writeHead(404);
    res.end();
  }
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  const m = /^\/chat\/([a-z0-9][a-z0-9_-]{0,63})$/.exec(url.pathname);
  const user = url.searchParams.get('user');
  if (!m || !user || !/^[A-Za-z0-9_.@-]{1,64}$/.test(user)) {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => open(ws, m[1], user));
});

function broadcast(room, frame, except) {
  const data = Buffer.from(JSON.stringify(frame));
  for (const s of room.sockets) {
    if (s !== except && s.readyState === 1) s.send(data, { binary: false });
  }
}

function open(ws, name, user) {
  let room = rooms.get(name);
  if (!room) {
    room = { seq: 0, sockets: new Set(), users: new Map() };
    rooms.set(name, room);
  }
  const first = !room.users.has(user);
  room.users.set(user, (room.users.get(user) || 0) + 1);
  room.sockets.add(ws);
  const members = [];
  for (const u of room.users.keys()) {
    if (members.length === 100) break;
    members.push(u);
  }
  ws.send(JSON.stringify({ type: 'welcome', room: name, user, count: room.users.size, members, seq: room.seq, epoch, messages: [] }));
  if (first) broadcast(room, { type: 'presence', event: 'join', user, count: room.users.size }, ws);

  ws.on('message', (raw, isBinary) => {
    if (isBinary) {
      ws.close(1003);
      return;
    }
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch (e) {
      ws.send(JSON.stringify({ type: 'error', code: 'bad_json', message: 'not JSON' }));
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      ws.send(JSON.stringify({ type: 'error', code: 'bad_json', message: 'not a JSON object' }));
      return;
    }
    switch (msg.type) {
      case 'say': {
        if (typeof msg.text !== 'string' || msg.text.length < 1 || msg.text.length > 4000) {
          ws.send(JSON.stringify({ type: 'error', code: 'invalid', message: 'text', ref: msg.ref }));
          return;
        }
        const seq = ++room.seq;
        broadcast(room, { type: 'message', room: name, seq, from: user, name: user, text: msg.text, at: new Date().toISOString() });
        ws.send(JSON.stringify({ type: 'ack', ref: msg.ref, seq }));
        break;
      }
      case 'ping':
        ws.send(JSON.stringify({ type: 'pong', ref: msg.ref }));
        break;
      default:
        ws.send(JSON.stringify({ type: 'error', code: 'unknown_type', message: String(msg.type), ref: msg.ref }));
    }
  });

  ws.on('close', () => {
    room.sockets.delete(ws);
    const left = room.users.get(user) - 1;
    if (left > 0) {
      room.users.set(user, left);
      return;
    }
    room.users.delete(user);
    if (room.users.size === 0) {
      rooms.delete(name);
    } else {
      broadcast(room, { type: 'presence', event: 'leave', user, count: room.users.size });
    }
  });
  ws.on('error', () => {});
}

server.listen(port, '127.0.0.1', () => console.log(`node ws peer on http://127.0.0.1:${port}/`));
process.on('SIGTERM', () => process.exit(0));
