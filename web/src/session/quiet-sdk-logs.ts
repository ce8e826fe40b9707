import loglevel from "loglevel";

/**
 * matrix-js-sdk logs at debug level by default (its loggers are `loglevel` loggers set to
 * DEBUG): dozens of console lines per message sent and per sync — formatting work on the main
 * thread between a keystroke and the message leaving, and worse with a console attached.
 * Keeps warnings and errors. Imported (for its effect) before the SDK, also covers loggers the
 * SDK creates later; loggers that already exist are rebuilt.
 */
const KEEP = new Set(["warn", "error"]);

function quiet(factory: loglevel.MethodFactory): loglevel.MethodFactory {
  const wrapped: loglevel.MethodFactory = (method, level, name) =>
    KEEP.has(method) ? factory(method, level, name) : () => undefined;
  return wrapped;
}

loglevel.methodFactory = quiet(loglevel.methodFactory);
loglevel.rebuild();
for (const l of Object.values(loglevel.getLoggers())) {
  l.methodFactory = quiet(l.methodFactory);
  l.rebuild();
}
