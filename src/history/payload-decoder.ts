// Turns the encoded payloads and failures of recorded history into values and errors, through the public parts of a
// data converter only: each payload codec's `decode` (last codec first, as the SDK encodes first to last), then the
// payload converter; failures the same way, then the failure converter. The decoder is all the history decoder needs
// from a Temporal client, so saved histories decode without a server.
import {
  defaultFailureConverter,
  defaultPayloadConverter,
  type LoadedDataConverter,
  type Payload,
  type ProtoFailure,
} from '@temporalio/common';
import { CodecChain } from '../codec/codec-chain.js';

export interface PayloadDecoder {
  /** The values of a Payloads list, in order. */
  values(payloads: Payload[]): Promise<unknown[]>;
  /** The error a recorded Failure stands for (ApplicationFailure, TimeoutFailure, CancelledFailure, ...). */
  failure(failure: ProtoFailure): Promise<Error>;
}

type DecodingConverter = Pick<LoadedDataConverter, 'payloadConverter' | 'failureConverter' | 'payloadCodecs'>;

/** Plain JSON payloads, no codec: what a run without encryption records. */
export const plainConverter: DecodingConverter = {
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: [],
};

type PayloadList = { payloads?: Payload[] | null } | null | undefined;

/** A failure whose payloads (details, encoded message, causes) have been through the codecs. */
async function decodeFailurePayloads(codecs: CodecChain, failure: ProtoFailure): Promise<ProtoFailure> {
  const list = async (p: PayloadList): Promise<{ payloads: Payload[] } | undefined> => (p ? { payloads: await codecs.decode(p.payloads ?? []) } : undefined);
  const { applicationFailureInfo: app, timeoutFailureInfo: timeout, canceledFailureInfo: canceled, resetWorkflowFailureInfo: reset } = failure;
  return {
    ...failure,
    encodedAttributes: failure.encodedAttributes ? (await codecs.decode([failure.encodedAttributes]))[0] : null,
    cause: failure.cause ? await decodeFailurePayloads(codecs, failure.cause) : null,
    applicationFailureInfo: app ? { ...app, details: await list(app.details) } : null,
    timeoutFailureInfo: timeout ? { ...timeout, lastHeartbeatDetails: await list(timeout.lastHeartbeatDetails) } : null,
    canceledFailureInfo: canceled ? { ...canceled, details: await list(canceled.details) } : null,
    resetWorkflowFailureInfo: reset ? { ...reset, lastHeartbeatDetails: await list(reset.lastHeartbeatDetails) } : null,
  };
}

export function payloadDecoderOf(converter: DecodingConverter = plainConverter): PayloadDecoder {
  const { payloadConverter, failureConverter, payloadCodecs } = converter;
  const codecs = new CodecChain(payloadCodecs);
  return {
    values: async (payloads) => (await codecs.decode(payloads)).map((p) => payloadConverter.fromPayload(p)),
    failure: async (failure) => failureConverter.failureToError(await decodeFailurePayloads(codecs, failure), payloadConverter),
  };
}
