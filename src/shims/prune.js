// @ts-check
// Build-time pruning of code in the pinned dependencies that crisp-rtm never runs, wired in vite.config.ts.
// Where a whole module can go, src/shims/ replaces it; where only parts of a module are dead, the build edits
// the module's text with the exact-snippet edits below. Each `find` must occur exactly once in the file, else
// the build fails, so a changed source can never receive a misplaced edit (the versions are pinned too: `PINNED`
// in vite.config.ts). test/unit/shims.test.js re-applies every edit to the installed files and checks the
// contract that makes them sound (the options and events src/socketio/ uses).
//
// What the edits rely on, all in src/socketio/: the only engine.io-client Socket (session.ts) is created with
// an origin URI, `transportImplementations: [one WebSocket transport]`, `upgrade: false`, `rememberUpgrade:
// false`, `closeOnBeforeunload: false`, `withCredentials: false` and none of `transports`, `tryAllTransports`,
// `useNativeTimers`, `autoUnref`, `timestampRequests`, `forceBase64`, `extraHeaders`; it stays private to the
// session, which listens to its "open", "message" and "close" events only and calls `send`, `close` and
// `_hasPingExpired`. That transport (websocket-transport.ts) always overrides `createSocket`. Only
// CONNECT/DISCONNECT/EVENT packets are encoded, and only text frames that are not BINARY_EVENT/BINARY_ACK are
// handed to the socket.io-parser Decoder.

/**
 * One edit of a dependency file.
 * @typedef {object} Edit
 * @property {string} why why the replaced code never runs in crisp-rtm
 * @property {string} find exact text of the file, found exactly once
 * @property {string} replace its replacement, with no more lines than `find`
 */

/** Edits by package, then by file inside the package. */
export const PRUNE = /** @type {const} */ ({
  "engine.io-client": {
    "build/esm/socket.js": [
      {
        why: "`opts.query` is never a string (crisp-rtm passes no `query` and an origin has none), so the query-string decoder is never called.",
        find: `import { decode } from "./contrib/parseqs.js";
`,
        replace: "",
      },
      {
        why: "`opts.query` is never a string (see the import above).",
        find: `        if (typeof this.opts.query === "string") {
            this.opts.query = decode(this.opts.query);
        }
`,
        replace: "",
      },
      {
        why: "`upgrade: false`: the upgrade list is only read by the upgrade machinery pruned below.",
        find: `        this._upgrades = [];
`,
        replace: "",
      },
      {
        why: "The URI is always a `ws[s]://host[:port]` origin (a string with a host, parsed by WHATWG URL: src/shims/parseuri.js), so the `opts.host`, `location` and `localhost` fallbacks never run: `secure` is always set, `hostname` is never empty and `port` gets its protocol default here. An origin has no query, so `opts.query` is never set from it.",
        find: `        if (uri && "object" === typeof uri) {
            opts = uri;
            uri = null;
        }
        if (uri) {
            const parsedUri = parse(uri);
            opts.hostname = parsedUri.host;
            opts.secure =
                parsedUri.protocol === "https" || parsedUri.protocol === "wss";
            opts.port = parsedUri.port;
            if (parsedUri.query)
                opts.query = parsedUri.query;
        }
        else if (opts.host) {
            opts.hostname = parse(opts.host).host;
        }
        installTimerFunctions(this, opts);
        this.secure =
            null != opts.secure
                ? opts.secure
                : typeof location !== "undefined" && "https:" === location.protocol;
        if (opts.hostname && !opts.port) {
            // if no port is specified manually, use the protocol default
            opts.port = this.secure ? "443" : "80";
        }
        this.hostname =
            opts.hostname ||
                (typeof location !== "undefined" ? location.hostname : "localhost");
        this.port =
            opts.port ||
                (typeof location !== "undefined" && location.port
                    ? location.port
                    : this.secure
                        ? "443"
                        : "80");
`,
        replace: `        const parsedUri = parse(uri);
        opts.hostname = parsedUri.host;
        opts.secure =
            parsedUri.protocol === "https" || parsedUri.protocol === "wss";
        opts.port = parsedUri.port;
        installTimerFunctions(this, opts);
        this.secure = opts.secure;
        if (!opts.port) {
            // if no port is specified manually, use the protocol default
            opts.port = this.secure ? "443" : "80";
        }
        this.hostname = opts.hostname;
        this.port = opts.port;
`,
      },
      {
        why: "The Socket is always given `transportImplementations` and never `transports`: the check and the string-list/default-transports branch never run.",
        find: `        if (opts.transportImplementations && opts.transports) {
            throw new Error("specifying both 'transportImplementations' and 'transports' options is not supported");
        }
        if (opts.transportImplementations ||
            (((_a = opts.transports) === null || _a === void 0 ? void 0 : _a.length) && typeof opts.transports[0] === "function")) {
            // 'transports' option as an array of transport implementations is kept for backward compatibility
            this.transports = [];
            this._transportsByName = Object.create(null);
            ((_b = opts.transportImplementations) !== null && _b !== void 0 ? _b : opts.transports).forEach((t) => {
                const transportName = t.prototype.name;
                this.transports.push(transportName);
                this._transportsByName[transportName] = t;
            });
        }
        else {
            this.transports = opts.transports
                ? [...opts.transports]
                : ["polling", "websocket", "webtransport"];
            this._transportsByName = DEFAULT_TRANSPORTS;
        }
`,
        replace: `        this.transports = [];
        this._transportsByName = Object.create(null);
        opts.transportImplementations.forEach((t) => {
            const transportName = t.prototype.name;
            this.transports.push(transportName);
            this._transportsByName[transportName] = t;
        });
`,
      },
      {
        why: "The defaults left out are read only by code pruned here (`upgrade`, `rememberUpgrade`, `withCredentials`, `closeOnBeforeunload`, `timestampParam`) or by the Node `ws` options of websocket.js (`agent`, `rejectUnauthorized`, `perMessageDeflate`, pruned there); `transportOptions` is never given.",
        find: `        this.opts = Object.assign({
            path: "/engine.io",
            agent: false,
            withCredentials: false,
            upgrade: true,
            timestampParam: "t",
            rememberUpgrade: false,
            addTrailingSlash: true,
            rejectUnauthorized: true,
            perMessageDeflate: {
                threshold: 1024,
            },
            transportOptions: {},
            closeOnBeforeunload: false,
        }, opts);
`,
        replace: `        this.opts = Object.assign({
            path: "/engine.io",
            addTrailingSlash: true,
        }, opts);
`,
      },
      {
        why: "`closeOnBeforeunload: false`: no beforeunload listener is installed. (The module-level `offline` listener is kept: it closes the socket when a browser goes offline.)",
        find: `            if (this.opts.closeOnBeforeunload) {
                // Firefox closes the connection when the "beforeunload" event is emitted but not Chrome. This event listener
                // ensures every browser behaves the same (no "disconnect" event at the Socket.IO level when the page is
                // closed/reloaded)
                this._beforeunloadEventListener = () => {
                    if (this.transport) {
                        // silently close the transport
                        this.transport.removeAllListeners();
                        this.transport.close();
                    }
                };
                addEventListener("beforeunload", this._beforeunloadEventListener, false);
            }
`,
        replace: "",
      },
      {
        why: "`withCredentials: false`: no cookie jar (an empty function in the browser build anyway).",
        find: `        if (this.opts.withCredentials) {
            this._cookieJar = createCookieJar();
        }
`,
        replace: "",
      },
      {
        why: "`transportOptions` is never given (see above).",
        find: `        }, this.opts.transportOptions[name]);
`,
        replace: `        });
`,
      },
      {
        why: "Exactly one transport is given, so the list is never empty; `rememberUpgrade: false`: the first transport is always the one opened.",
        find: `        if (this.transports.length === 0) {
            // Emit error on next tick so it can be listened to
            this.setTimeoutFn(() => {
                this.emitReserved("error", "No transports available");
            }, 0);
            return;
        }
        const transportName = this.opts.rememberUpgrade &&
            Socket.priorWebsocketSuccess &&
            this.transports.indexOf("websocket") !== -1
            ? "websocket"
            : this.transports[0];
`,
        replace: `        const transportName = this.transports[0];
`,
      },
      {
        why: "`upgrade: false`: no transport is ever probed (`_probe` is only called by the upgrade loop of `onOpen`).",
        find: `    _probe(name) {
        let transport = this.createTransport(name);
        let failed = false;
        Socket.priorWebsocketSuccess = false;
        const onTransportOpen = () => {
            if (failed)
                return;
            transport.send([{ type: "ping", data: "probe" }]);
            transport.once("packet", (msg) => {
                if (failed)
                    return;
                if ("pong" === msg.type && "probe" === msg.data) {
                    this.upgrading = true;
                    this.emitReserved("upgrading", transport);
                    if (!transport)
                        return;
                    Socket.priorWebsocketSuccess = "websocket" === transport.name;
                    this.transport.pause(() => {
                        if (failed)
                            return;
                        if ("closed" === this.readyState)
                            return;
                        cleanup();
                        this.setTransport(transport);
                        transport.send([{ type: "upgrade" }]);
                        this.emitReserved("upgrade", transport);
                        transport = null;
                        this.upgrading = false;
                        this.flush();
                    });
                }
                else {
                    const err = new Error("probe error");
                    // @ts-ignore
                    err.transport = transport.name;
                    this.emitReserved("upgradeError", err);
                }
            });
        };
        function freezeTransport() {
            if (failed)
                return;
            // Any callback called by transport should be ignored since now
            failed = true;
            cleanup();
            transport.close();
            transport = null;
        }
        // Handle any error that happens while probing
        const onerror = (err) => {
            const error = new Error("probe error: " + err);
            // @ts-ignore
            error.transport = transport.name;
            freezeTransport();
            this.emitReserved("upgradeError", error);
        };
        function onTransportClose() {
            onerror("transport closed");
        }
        // When the socket is closed while we're probing
        function onclose() {
            onerror("socket closed");
        }
        // When the socket is upgraded while we're probing
        function onupgrade(to) {
            if (transport && to.name !== transport.name) {
                freezeTransport();
            }
        }
        // Remove all listeners on the transport and on self
        const cleanup = () => {
            transport.removeListener("open", onTransportOpen);
            transport.removeListener("error", onerror);
            transport.removeListener("close", onTransportClose);
            this.off("close", onclose);
            this.off("upgrading", onupgrade);
        };
        transport.once("open", onTransportOpen);
        transport.once("error", onerror);
        transport.once("close", onTransportClose);
        this.once("close", onclose);
        this.once("upgrading", onupgrade);
        if (this._upgrades.indexOf("webtransport") !== -1 &&
            name !== "webtransport") {
            // favor WebTransport
            this.setTimeoutFn(() => {
                if (!failed) {
                    transport.open();
                }
            }, 200);
        }
        else {
            transport.open();
        }
    }
`,
        replace: "",
      },
      {
        why: "`upgrade: false`: the upgrade loop never runs; `priorWebsocketSuccess` is only read with `rememberUpgrade`.",
        find: `        this.readyState = "open";
        Socket.priorWebsocketSuccess = "websocket" === this.transport.name;
        this.emitReserved("open");
        this.flush();
        if ("open" === this.readyState && this.opts.upgrade) {
            for (let i = 0; i < this._upgrades.length; i++) {
                this._probe(this._upgrades[i]);
            }
        }
`,
        replace: `        this.readyState = "open";
        this.emitReserved("open");
        this.flush();
`,
      },
      {
        why: "Nothing listens to these events: the Socket is private to the session, which listens to \"open\", \"message\" and \"close\" only.",
        find: `            this.emitReserved("packet", packet);
            // Socket is live - any packet counts
            this.emitReserved("heartbeat");
`,
        replace: "",
      },
      {
        why: "Nothing listens to these events (see above).",
        find: `                    this.emitReserved("ping");
                    this.emitReserved("pong");
`,
        replace: "",
      },
      {
        why: "Nothing listens to this event (see above).",
        find: `                    this.emitReserved("data", packet.data);
`,
        replace: "",
      },
      {
        why: "Nothing listens to this event (see above).",
        find: `        this.emitReserved("handshake", data);
`,
        replace: "",
      },
      {
        why: "`upgrade: false`: the upgrade list is never read. The property access is kept: upstream throws here on a handshake without `upgrades` (the session ends with `parse error`), and so does this.",
        find: `        this._upgrades = this._filterUpgrades(data.upgrades);
`,
        replace: `        data.upgrades.length;
`,
      },
      {
        why: "`autoUnref` is never set (it is a Node-only option).",
        find: `        if (this.opts.autoUnref) {
            this._pingTimeoutTimer.unref();
        }
`,
        replace: "",
      },
      {
        why: "`upgrading` is only ever set by `_probe`, which never runs.",
        find: `            !this.upgrading &&
`,
        replace: "",
      },
      {
        why: "The payload-size split is for HTTP long-polling only; the one transport is a WebSocket (`name` \"websocket\").",
        find: `            const packets = this._getWritablePackets();
`,
        replace: `            const packets = this.writeBuffer;
`,
      },
      {
        why: "Nothing listens to this event (see above; `_sendPacket` no longer adds a `flush` callback).",
        find: `            this.emitReserved("flush");
`,
        replace: "",
      },
      {
        why: "Its only caller is replaced above.",
        find: `    _getWritablePackets() {
        const shouldCheckPayloadSize = this._maxPayload &&
            this.transport.name === "polling" &&
            this.writeBuffer.length > 1;
        if (!shouldCheckPayloadSize) {
            return this.writeBuffer;
        }
        let payloadSize = 1; // first packet type
        for (let i = 0; i < this.writeBuffer.length; i++) {
            const data = this.writeBuffer[i].data;
            if (data) {
                payloadSize += byteLength(data);
            }
            if (i > 0 && payloadSize > this._maxPayload) {
                return this.writeBuffer.slice(0, i);
            }
            payloadSize += 2; // separator + packet type
        }
        return this.writeBuffer;
    }
`,
        replace: "",
      },
      {
        why: "The session sends with `send(text)`; nothing calls the `write` alias.",
        find: `    write(msg, options, fn) {
        this._sendPacket("message", msg, options, fn);
        return this;
    }
`,
        replace: "",
      },
      {
        why: "The session calls `send(text)` with no options and no callback, and the Socket sends only `pong` itself: the argument shuffling, the per-packet options (read by the Node `ws` transport only) and the flush callback never apply; nothing listens to `packetCreate` (see above).",
        find: `    send(msg, options, fn) {
        this._sendPacket("message", msg, options, fn);
        return this;
    }
`,
        replace: `    send(msg) {
        this._sendPacket("message", msg);
        return this;
    }
`,
      },
      {
        why: "See `send` above.",
        find: `    _sendPacket(type, data, options, fn) {
        if ("function" === typeof data) {
            fn = data;
            data = undefined;
        }
        if ("function" === typeof options) {
            fn = options;
            options = null;
        }
        if ("closing" === this.readyState || "closed" === this.readyState) {
            return;
        }
        options = options || {};
        options.compress = false !== options.compress;
        const packet = {
            type: type,
            data: data,
            options: options,
        };
        this.emitReserved("packetCreate", packet);
        this.writeBuffer.push(packet);
        if (fn)
            this.once("flush", fn);
        this.flush();
    }
`,
        replace: `    _sendPacket(type, data) {
        if ("closing" === this.readyState || "closed" === this.readyState) {
            return;
        }
        this.writeBuffer.push({ type, data });
        this.flush();
    }
`,
      },
      {
        why: "`upgrading` is never true (see above): `close()` never waits for an upgrade.",
        find: `        const cleanupAndClose = () => {
            this.off("upgrade", cleanupAndClose);
            this.off("upgradeError", cleanupAndClose);
            close();
        };
        const waitForUpgrade = () => {
            // wait for upgrade to finish since we can't send packets while pausing a transport
            this.once("upgrade", cleanupAndClose);
            this.once("upgradeError", cleanupAndClose);
        };
        if ("opening" === this.readyState || "open" === this.readyState) {
            this.readyState = "closing";
            if (this.writeBuffer.length) {
                this.once("drain", () => {
                    if (this.upgrading) {
                        waitForUpgrade();
                    }
                    else {
                        close();
                    }
                });
            }
            else if (this.upgrading) {
                waitForUpgrade();
            }
            else {
                close();
            }
        }
`,
        replace: `        if ("opening" === this.readyState || "open" === this.readyState) {
            this.readyState = "closing";
            if (this.writeBuffer.length) {
                this.once("drain", close);
            }
            else {
                close();
            }
        }
`,
      },
      {
        why: "`priorWebsocketSuccess` is only read with `rememberUpgrade`; `tryAllTransports` is never set (and there is one transport).",
        find: `        Socket.priorWebsocketSuccess = false;
        if (this.opts.tryAllTransports &&
            this.transports.length > 1 &&
            this.readyState === "opening") {
            this.transports.shift();
            return this._open();
        }
`,
        replace: "",
      },
      {
        why: "Nothing listens to this event (see above): the session learns of the error from the \"close\" event that follows.",
        find: `        this.emitReserved("error", err);
        this._onClose("transport error", err);
`,
        replace: `        this._onClose("transport error", err);
`,
      },
      {
        why: "No beforeunload listener is ever installed (see above).",
        find: `                if (this._beforeunloadEventListener) {
                    removeEventListener("beforeunload", this._beforeunloadEventListener, false);
                }
`,
        replace: "",
      },
      {
        why: "The upgrade list is never read (see above); nothing else uses `_filterUpgrades`.",
        find: `    _filterUpgrades(upgrades) {
        const filteredUpgrades = [];
        for (let i = 0; i < upgrades.length; i++) {
            if (~this.transports.indexOf(upgrades[i]))
                filteredUpgrades.push(upgrades[i]);
        }
        return filteredUpgrades;
    }
`,
        replace: "",
      },
      {
        why: "Nothing reads the static protocol number (the transport query uses the import).",
        find: `Socket.protocol = protocol;
`,
        replace: "",
      },
    ],
    "build/esm/transport.js": [
      {
        why: "Only `_probe` listened to a transport's \"open\" (the Socket opens on the handshake packet).",
        find: `        this.writable = true;
        super.emitReserved("open");
`,
        replace: `        this.writable = true;
`,
      },
      {
        why: "`pause` is only called by `_probe`, which never runs.",
        find: `    pause(onPause) { }
`,
        replace: "",
      },
    ],
    "build/esm/transports/websocket.js": [
      {
        why: "Only read by the options built for `createSocket` below and by `WS#createSocket`, both gone.",
        find: `const isReactNative = typeof navigator !== "undefined" &&
    typeof navigator.product === "string" &&
    navigator.product.toLowerCase() === "reactnative";
`,
        replace: "",
      },
      {
        why: "crisp-rtm's transport overrides `createSocket(uri, protocols)` and ignores the Node/React Native options object; `extraHeaders` is never set.",
        find: `        // React Native only supports the 'headers' option, and will print a warning if anything else is passed
        const opts = isReactNative
            ? {}
            : pick(this.opts, "agent", "perMessageDeflate", "pfx", "key", "passphrase", "cert", "ca", "ciphers", "rejectUnauthorized", "localAddress", "protocolVersion", "origin", "maxPayload", "family", "checkServerIdentity");
        if (this.opts.extraHeaders) {
            opts.headers = this.opts.extraHeaders;
        }
        try {
            this.ws = this.createSocket(uri, protocols, opts);
`,
        replace: `        try {
            this.ws = this.createSocket(uri, protocols);
`,
      },
      {
        why: "`autoUnref` is never set (it is a Node-only option).",
        find: `            if (this.opts.autoUnref) {
                this.ws._socket.unref();
            }
`,
        replace: "",
      },
      {
        why: "`timestampRequests` and `forceBase64` are never set: the URL query stays `EIO=4&transport=websocket` (plus `sid`, never set before the handshake).",
        find: `        // append timestamp to URI
        if (this.opts.timestampRequests) {
            query[this.opts.timestampParam] = randomString();
        }
        // communicate binary support capabilities
        if (!this.supportsBinary) {
            query.b64 = 1;
        }
`,
        replace: "",
      },
      {
        why: "crisp-rtm's transport always overrides `createSocket` with its injected WebSocket: the global captured here is never used.",
        find: `const WebSocketCtor = globalThis.WebSocket || globalThis.MozWebSocket;
`,
        replace: "",
      },
      {
        why: "Overridden by crisp-rtm's transport (see above).",
        find: `    createSocket(uri, protocols, opts) {
        return !isReactNative
            ? protocols
                ? new WebSocketCtor(uri, protocols)
                : new WebSocketCtor(uri)
            : new WebSocketCtor(uri, protocols, opts);
    }
`,
        replace: "",
      },
    ],
    "build/esm/util.js": [
      {
        why: "`useNativeTimers` is never set: the timers are always the global ones, bound as upstream binds them.",
        find: `const NATIVE_SET_TIMEOUT = globalThis.setTimeout;
const NATIVE_CLEAR_TIMEOUT = globalThis.clearTimeout;
export function installTimerFunctions(obj, opts) {
    if (opts.useNativeTimers) {
        obj.setTimeoutFn = NATIVE_SET_TIMEOUT.bind(globalThis);
        obj.clearTimeoutFn = NATIVE_CLEAR_TIMEOUT.bind(globalThis);
    }
    else {
        obj.setTimeoutFn = globalThis.setTimeout.bind(globalThis);
        obj.clearTimeoutFn = globalThis.clearTimeout.bind(globalThis);
    }
}
`,
        replace: `export function installTimerFunctions(obj) {
    obj.setTimeoutFn = globalThis.setTimeout.bind(globalThis);
    obj.clearTimeoutFn = globalThis.clearTimeout.bind(globalThis);
}
`,
      },
    ],
    "build/esm/globals.js": [
      {
        why: "In every runtime crisp-rtm supports, `self` (browsers, workers, Deno, workerd) or, where there is none, the sloppy-mode `this` of `Function(\"return this\")()` (Node) is `globalThis` (ES2020), so the lookup chain always ends at `globalThis`.",
        find: `export const globalThisShim = (() => {
    if (typeof self !== "undefined") {
        return self;
    }
    else if (typeof window !== "undefined") {
        return window;
    }
    else {
        return Function("return this")();
    }
})();
`,
        replace: `export const globalThisShim = globalThis;
`,
      },
      {
        why: "Every runtime crisp-rtm supports (ES2022) has `Promise`: the `setTimeout` fallback never runs.",
        find: `export const nextTick = (() => {
    const isPromiseAvailable = typeof Promise === "function" && typeof Promise.resolve === "function";
    if (isPromiseAvailable) {
        return (cb) => Promise.resolve().then(cb);
    }
    else {
        return (cb, setTimeoutFn) => setTimeoutFn(cb, 0);
    }
})();
`,
        replace: `export const nextTick = (cb) => Promise.resolve().then(cb);
`,
      },
    ],
  },
  "socket.io-parser": {
    "build/esm/index.js": [
      {
        why: "`isInteger` only serves `isAckIdValid`, which only serves `isPacketValid`, which crisp-rtm never calls: as a plain function it is left out with them (the original's `Number.isInteger ||` read is kept by minifiers).",
        find: `const isInteger = Number.isInteger ||
    function (value) {
        return (typeof value === "number" &&
            isFinite(value) &&
            Math.floor(value) === value);
    };
`,
        replace: `function isInteger(value) {
    return Number.isInteger(value);
}
`,
      },
      {
        why: "The session creates its Decoder without a reviver, and `maxAttachments` is only read by the binary path pruned below: the options object is never read but for `reviver`, which stays undefined.",
        find: `        this.opts = Object.assign({
            reviver: undefined,
            maxAttachments: 10,
        }, typeof opts === "function" ? { reviver: opts } : opts);
`,
        replace: `        this.opts = {};
`,
      },
      {
        why: "The encoded packets (CONNECT, DISCONNECT, EVENT of strings) never hold binary: never BINARY_EVENT/BINARY_ACK.",
        find: `        if (obj.type === PacketType.EVENT || obj.type === PacketType.ACK) {
            if (hasBinary(obj)) {
                return this.encodeAsBinary({
                    type: obj.type === PacketType.EVENT
                        ? PacketType.BINARY_EVENT
                        : PacketType.BINARY_ACK,
                    nsp: obj.nsp,
                    data: obj.data,
                    id: obj.id,
                });
            }
        }
`,
        replace: "",
      },
      {
        why: "Only BINARY_EVENT/BINARY_ACK packets carry attachments, and none is encoded (see above).",
        find: `        // attachments if we have them
        if (obj.type === PacketType.BINARY_EVENT ||
            obj.type === PacketType.BINARY_ACK) {
            str += obj.attachments + "-";
        }
`,
        replace: "",
      },
      {
        why: "Only called for binary packets (see above).",
        find: `    encodeAsBinary(obj) {
        const deconstruction = deconstructPacket(obj);
        const pack = this.encodeAsString(deconstruction.packet);
        const buffers = deconstruction.buffers;
        buffers.unshift(pack); // add packet info to beginning of data list
        return buffers; // write all the buffers
    }
`,
        replace: "",
      },
      {
        why: "The session hands the decoder (`decodeString`) text only, never a BINARY_EVENT/BINARY_ACK packet (refused before decoding), so no reconstruction starts and no attachment arrives. A binary header still throws (below), as upstream does with `maxAttachments: 0`.",
        find: `        let packet;
        if (typeof obj === "string") {
            if (this.reconstructor) {
                throw new Error("got plaintext data when reconstructing a packet");
            }
            packet = this.decodeString(obj);
            const isBinaryEvent = packet.type === PacketType.BINARY_EVENT;
            if (isBinaryEvent || packet.type === PacketType.BINARY_ACK) {
                packet.type = isBinaryEvent ? PacketType.EVENT : PacketType.ACK;
                // binary packet's json
                this.reconstructor = new BinaryReconstructor(packet);
            }
            else {
                // non-binary full packet
                super.emitReserved("decoded", packet);
            }
        }
        else if (isBinary(obj) || obj.base64) {
            // raw binary data
            if (!this.reconstructor) {
                throw new Error("got binary data when not reconstructing a packet");
            }
            else {
                packet = this.reconstructor.takeBinaryData(obj);
                if (packet) {
                    // received final buffer
                    this.reconstructor = null;
                    super.emitReserved("decoded", packet);
                }
            }
        }
        else {
            throw new Error("Unknown type: " + obj);
        }
`,
        replace: `        super.emitReserved("decoded", this.decodeString(obj));
`,
      },
      {
        why: "BINARY_EVENT/BINARY_ACK never reach the decoder (see above); if one did, it is refused, as upstream refuses any attachment with `maxAttachments: 0`.",
        find: `            const start = i + 1;
            while (str.charAt(++i) !== "-" && i != str.length) { }
            const buf = str.substring(start, i);
            if (buf != Number(buf) || str.charAt(i) !== "-") {
                throw new Error("Illegal attachments");
            }
            const n = Number(buf);
            if (!isInteger(n) || n < 1) {
                throw new Error("Illegal attachments");
            }
            else if (n > this.opts.maxAttachments) {
                throw new Error("too many attachments");
            }
            p.attachments = n;
`,
        replace: `            throw new Error("binary packet");
`,
      },
      {
        why: "No reconstruction ever starts (see above).",
        find: `        if (this.reconstructor) {
            this.reconstructor.finishedReconstruction();
            this.reconstructor = null;
        }
`,
        replace: "",
      },
    ],
  },
});

/**
 * Applies `edits` to `code` (the text of `file`, named in errors). Every `find` is looked up in the original
 * text and must occur there exactly once, and no two may overlap; otherwise this throws and nothing is applied.
 * A replacement is padded with newlines to the line count of what it replaces, so line numbers do not move.
 * @param {string} code
 * @param {readonly Edit[]} edits
 * @param {string} file
 * @returns {string}
 */
export function applyEdits(code, edits, file) {
  const lines = (/** @type {string} */ text) => text.split("\n").length - 1;
  const located = edits.map((edit) => {
    const at = code.indexOf(edit.find);
    const again = at !== -1 && code.indexOf(edit.find, at + 1) !== -1;
    if (at === -1 || again) {
      const where = at === -1 ? "is not found" : "is found more than once";
      throw new Error(`src/shims/prune.js: the snippet of an edit of ${file} ${where} (re-check the edits against this version): ${edit.why}`);
    }
    const padding = lines(edit.find) - lines(edit.replace);
    if (padding < 0) throw new Error(`src/shims/prune.js: an edit of ${file} adds lines: ${edit.why}`);
    return { at, end: at + edit.find.length, text: edit.replace + "\n".repeat(padding), why: edit.why };
  });
  located.sort((a, b) => a.at - b.at);
  let result = "";
  let from = 0;
  for (const edit of located) {
    if (edit.at < from) throw new Error(`src/shims/prune.js: edits of ${file} overlap: ${edit.why}`);
    result += code.slice(from, edit.at) + edit.text;
    from = edit.end;
  }
  return result + code.slice(from);
}
