// No personal data in the logs (issue 16, item 5). Every backend a spec
// starts is checked when it stops (backend.mjs: its stderr and the log
// files in <dataDir>/state, for every personal value its data folder
// holds and those the specs register). This spec makes sure the check
// bites: a mail server that refuses a cardholder's address and echoes it
// in its reply, as real ones do, and a registration step with a wrong
// personnummer; and it tests the matching itself.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminCookie, personalDataIn, personalForms, startBackend } from './backend.mjs';
import { consoleAPI } from './support.mjs';

let backend;

after(async () => {
  await backend?.stop();
});

describe('logs', () => {
  test('a refused mail and a refused personnummer leave no personal data in the log', async () => {
    backend = await startBackend({ smtp: true, refuseRcpt: '^tora\\.refuserad@', settings: { 'company.name': 'Bygg & Söner AB', 'company.org_number': '556036-0793' } });
    backend.personalData('19811218-9875', '070-918 27 36');
    const client = consoleAPI(backend.baseURL, await adminCookie(backend.baseURL));
    await client.invite('tora.refuserad@example.se', 'Tora Refuserad');
    const { token } = await client.invite('olle.okej@example.se', 'Olle Okej');
    const r = (p) => `/api/register/${token}${p}`;
    await client.api('GET', r(''), undefined, { admin: false });
    await client.api('PUT', r('/method'), { method: 'manual' }, { admin: false });
    await assert.rejects(
      client.api('PUT', r('/personal'), { firstName: 'Olle', lastName: 'Okej', hasPersonnummer: true, personnummer: '19811218-9875', phone: '070-918 27 36' }, { admin: false }),
      /HTTP 4\d\d/,
    );
    // The relay's refusal is logged (with the address masked).
    const deadline = Date.now() + 20_000;
    while (!/recipient_refused/.test(backend.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(backend.stderr(), /msg="mail failed".*reason=recipient_refused.*detail="550 5\.1\.1 </, 'the refusal is logged, so the check has something to read');
    const stopping = backend;
    backend = null;
    await stopping.stop(); // throws if the log holds any of it
  });

  test('the check finds each spelling, whole words only', () => {
    assert.deepEqual(personalForms('19811218-9876'), ['19811218-9876', '198112189876', '112189876', '8112189876', '811218-9876']);
    assert.ok(personalForms('+46701234567').includes('0701234567'));
    assert.deepEqual(personalForms('3TA3E7ECR8'), ['3TA3E7ECR8', '3TA3E-7ECR8']);
    assert.ok(personalForms('anna.berg@example.se').includes('anna.berg'));
    assert.ok(personalForms('Anna Berg').includes('Berg'));
    const log = 'time=… level=WARN msg="mail failed" detail="550 5.1.1 <anna.berg@example.se>: unknown"\nlevel=INFO msg=Booting pnr=8112189876 code=3TA3E-7ECR8\n';
    const found = personalDataIn({ 'id06desk.log': log }, ['anna.berg@example.se', 'Bo', '19811218-9876', '3TA3E7ECR8', '0701234567']);
    assert.equal(found.length, 4, found.join('\n')); // the address and its local part, the pnr, the code; not "Bo" in "Booting"
    assert.match(found.join('\n'), /"8112189876" \(of "19811218-9876"\) in id06desk\.log: level=INFO msg=Booting/);
    assert.deepEqual(personalDataIn({ x: 'nothing here 2026-12-05 1796000000000' }, ['19811218-9876', 'Bo']), []);
  });
});
