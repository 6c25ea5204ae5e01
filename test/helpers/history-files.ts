// Saved histories as readable JSON. Temporal's historyToJSON trips over the two protobufjs copies npm installs
// here, so this goes through the generated History message's own toObject/fromObject instead.
import proto from '@temporalio/proto';

const { temporal } = proto;

const History = temporal.api.history.v1.History;

export function historyToFile(history: proto.temporal.api.history.v1.IHistory): string {
  const object = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromFile(text: string): proto.temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
