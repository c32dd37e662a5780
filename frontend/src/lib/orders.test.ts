import { describe, expect, it } from 'vitest';
import { chipStatuses, DEFAULT_PARTNER, fullName, identityBadge, nameMismatchKey, partnerNameFromSettings, totalCount, whereKey, whereText } from './orders';
import { translate } from './i18n';

describe('identityBadge', () => {
  it('says where the identity check stands', () => {
    const pending = identityBadge('pending_partner');
    expect(pending.tone).toBe('warn');
    expect(translate('en', pending.key, { partner: 'Sistec' })).toBe('Identity check pending at Sistec');
    expect(translate('sv', pending.key, { partner: 'Sistec' })).toBe('Identitetskontroll väntar hos Sistec');
    expect(translate('en', identityBadge('done').key)).toBe('Identity check done');
    expect(identityBadge('done').tone).toBe('ok');
    expect(translate('en', identityBadge('bankid').key)).toBe('BankID');
    expect(translate('en', identityBadge('bankid_passport').key)).toBe('BankID + passport checked');
    expect(translate('sv', identityBadge('bankid_passport').key)).toBe('BankID + pass kontrollerat');
    expect(identityBadge('bankid_passport').tone).toBe('ok');
    expect(identityBadge('what').tone).toBe('grey');
  });
});

describe('partnerNameFromSettings', () => {
  it('defaults to Sistec and reads a partner name setting when there is one', () => {
    expect(partnerNameFromSettings(undefined)).toBe(DEFAULT_PARTNER);
    expect(partnerNameFromSettings({ 'company.name': 'Bygg AB' })).toBe('Sistec');
    expect(partnerNameFromSettings({ 'identity.partner_name': ' ID-Scan AB ' })).toBe('ID-Scan AB');
    expect(partnerNameFromSettings({ 'identity.partner_name': '' })).toBe('Sistec');
  });
});

describe('chipStatuses', () => {
  it('shows statuses with orders in life-cycle order, unknown ones after, and the selected one', () => {
    expect(chipStatuses({ delivered: 1, ready: 3, sent_to_nexus: 0 }, '')).toEqual(['ready', 'delivered']);
    expect(chipStatuses({ ready: 3 }, 'in_production')).toEqual(['ready', 'in_production']);
    expect(chipStatuses({ ready: 1, on_hold: 2 }, '')).toEqual(['ready', 'on_hold']);
    expect(chipStatuses({}, 'weird')).toEqual(['weird']);
    expect(totalCount({ ready: 3, delivered: 2 })).toBe(5);
    expect(totalCount({})).toBe(0);
  });
});

describe('small helpers', () => {
  it('name and where', () => {
    expect(fullName({ firstName: 'Anna', lastName: 'Berg' })).toBe('Anna Berg');
    expect(fullName({ firstName: '', lastName: '' })).toBe('');
    expect(translate('sv', whereKey('kiosk'))).toBe('Kiosk');
    expect(translate('en', whereKey('web'))).toBe('Web');
    expect(whereText('sv', { registeredWhere: 'kiosk', registeredKiosk: 'Bygget Norr' })).toBe('Kiosk Bygget Norr');
    expect(whereText('en', { registeredWhere: 'kiosk' })).toBe('Kiosk');
    expect(whereText('en', { registeredWhere: 'web', registeredKiosk: 'stray' })).toBe('Web');
  });
});

describe('nameMismatchKey', () => {
  it('warns only when the server flags the name, and says where the name came from', () => {
    expect(nameMismatchKey({ nameMismatch: false, identityMethod: 'bankid' })).toBeNull();
    const bankid = nameMismatchKey({ nameMismatch: true, identityMethod: 'bankid' });
    const manual = nameMismatchKey({ nameMismatch: true, identityMethod: 'manual' });
    const params = { registered: 'Karl Svensson', invited: 'Kalle Svensson' };
    expect(translate('sv', bankid!, params)).toBe(
      'Namnet från BankID, Karl Svensson, är inte namnet i inbjudan, Kalle Svensson. Kontrollera att det är rätt person innan beställningen skickas.',
    );
    expect(translate('en', bankid!, params)).toContain('The name from BankID, Karl Svensson, is not the name on the invitation, Kalle Svensson.');
    expect(translate('sv', manual!, params)).toContain('Namnet som kortinnehavaren angav, Karl Svensson');
    expect(translate('en', manual!, params)).toContain('The name the cardholder entered, Karl Svensson');
  });
});
