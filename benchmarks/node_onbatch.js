// Events/s of Segment's own runtime running the published Ortto destination's onBatch.
// Usage (from the differential harness folder, where node_modules lives):
//   node node_onbatch.js EVENTS.json MAPPING.json BATCH_SIZE REPEAT
// The request client is stubbed: the JSON body goes through JSON.stringify and the answer is
// {"errors": []}, so the figure is the runtime's own work (mapping, validation, cleaning,
// serialisation). Prints one JSON line per run: {"events": N, "seconds": S}.
const fs = require('fs')
const core = require('@segment/actions-core')

const [eventsPath, mappingPath, batchArg, repeatArg] = process.argv.slice(2)
const events = JSON.parse(fs.readFileSync(eventsPath, 'utf8'))
const mapping = JSON.parse(fs.readFileSync(mappingPath, 'utf8'))
const batchSize = Number(batchArg || 500)
const repeat = Number(repeatArg || 3)

const destination = new core.Destination(require('./ortto').default)
let sentBytes = 0
Object.getPrototypeOf(destination.actions.upsertContactProfile).createRequestClient = function stubbedRequestClient() {
  return async (url, options) => {
    sentBytes += JSON.stringify(options.json).length
    return { data: { errors: [] }, status: 200 }
  }
}

const settings = {
  api_key: 'pau-0a1b2c3d',
  subscription: { subscribe: 'type = "identify"', partnerAction: 'upsertContactProfile', mapping },
}

async function once() {
  const started = process.hrtime.bigint()
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize)
    const [result] = await destination.onBatch(batch, settings)
    if (!result || !result.multistatus || result.multistatus.length !== batch.length) {
      throw new Error('unexpected onBatch result: ' + JSON.stringify(result).slice(0, 200))
    }
  }
  return Number(process.hrtime.bigint() - started) / 1e9
}

;(async () => {
  for (let run = 0; run < repeat; run++) {
    sentBytes = 0
    const seconds = await once()
    process.stdout.write(JSON.stringify({ events: events.length, seconds, bytes: sentBytes }) + '\n')
  }
})().catch((error) => {
  console.error(error)
  process.exit(1)
})
