// Runs vector-style calls with the real Ortto destination code, one JSON line in, one out.
// Input line: {"endpoint": "http://127.0.0.1:PORT", "call": {...}}; output: the result in the
// recorded `destination_result` form ({ok, value} or {ok: false, error}).
const readline = require('readline')
const core = require('@segment/actions-core')
const definitions = {
  ortto: require('./ortto').default,
  'ortto-audiences': require('./ortto-audiences').default,
}

function serialise(value) {
  if (value === undefined) return { __undefined: true }
  return JSON.parse(JSON.stringify(value, (key, item) => {
    if (item instanceof core.MultiStatusResponse) {
      return {
        __type: 'MultiStatusResponse',
        responses: item.responses.map((r) => r === undefined ? null : ({
          __type: r instanceof core.ActionDestinationSuccessResponse ? 'success' : 'error',
          ...r.value(),
        })),
      }
    }
    return item
  }))
}

function serialiseError(error) {
  const out = { name: error.name, message: error.message }
  if (error.status !== undefined) out.status = error.status
  if (error.code !== undefined) out.code = error.code
  if (error.name === 'HTTPError' && error.response) {
    const r = error.response
    out.response = { status: r.status, statusText: r.statusText, content: r.content }
  }
  return out
}

async function run(call) {
  const destination = new core.Destination(definitions[call.destination || 'ortto'])
  const settings = { ...(call.settings || {}) }
  switch (call.method) {
    case 'onEvent':
    case 'onBatch':
      if (call.subscription) settings.subscription = { ...call.subscription, mapping: call.mapping || {} }
      return call.method === 'onEvent'
        ? destination.onEvent(call.event, settings)
        : destination.onBatch(call.events, settings)
    case 'executeBatch':
      return destination.executeBatch(call.action, { events: call.events, mapping: call.mapping || {}, settings })
    case 'executeHook':
      return destination.actions[call.action].executeHook(call.hook || 'onMappingSave',
        { settings, hookInputs: call.hookInputs })
    case 'createAudience':
      return destination.createAudience({ settings, audienceName: call.audienceName,
        audienceSettings: call.audienceSettings })
    case 'getAudience':
      return destination.getAudience({ settings, externalId: call.externalId,
        audienceSettings: call.audienceSettings })
    case 'testAuthentication':
      return destination.testAuthentication(settings)
    default:
      throw new Error(`unknown method ${call.method}`)
  }
}

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  const { endpoint, call } = JSON.parse(line)
  process.env.ORTTO_LOCAL_ENDPOINT = endpoint
  let result
  try {
    result = { ok: true, value: serialise(await run(call)) }
  } catch (error) {
    result = { ok: false, error: serialiseError(error) }
  }
  process.stdout.write(JSON.stringify(result) + '\n')
})
