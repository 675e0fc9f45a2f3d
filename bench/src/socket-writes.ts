import { Socket } from "node:net";

/**
 * A diagnostic (`--count-writes`): counts `socket.write` calls of the process, to show how
 * many messages a client coalesces into one write. Off by default: the wrapper costs a call.
 */
export function countSocketWrites(): () => number {
  let writes = 0;
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    writes++;
    return write.apply(this, args);
  } as Socket["write"];
  return () => writes;
}
