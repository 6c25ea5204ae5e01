// A payload's metadata entry as text (its `encoding`, a codec's key id): what codecs read to tell their own payloads.
import type { Payload } from '@temporalio/common';

export function metadataText(payload: Payload, name: string): string | undefined {
  const value = payload.metadata?.[name];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}
