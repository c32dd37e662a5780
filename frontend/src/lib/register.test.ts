import { describe, expect, it } from 'vitest';
import {
  addressLines,
  blockedReason,
  blockingProblems,
  detailParams,
  emptyPersonal,
  fieldDomId,
  fieldErrorText,
  FLOW,
  formatPersonnummer,
  indicatorItems,
  invitationLocale,
  isLinkError,
  linkErrorTitle,
  NUMBERED,
  personalPayload,
  photoProblemText,
  photoUsable,
  precheckAddress,
  precheckPersonal,
  precheckPhoto,
  previousStep,
  uploadErrorCode,
  registerErrorText,
  resolveStep,
  stepNumber,
} from './register';
import { hasKey, translate } from './i18n';
import type { PhotoState } from '../api/register';

describe('resolveStep', () => {
  it('shows the server step when nothing (or something unknown) is asked for', () => {
    expect(resolveStep('personal')).toBe('personal');
    expect(resolveStep('photo', 'nonsense')).toBe('photo');
    expect(resolveStep('review', '')).toBe('review');
  });

  it('lets the person go back to a reached step, never ahead of the server', () => {
    expect(resolveStep('delivery', 'personal')).toBe('personal');
    expect(resolveStep('delivery', 'delivery')).toBe('delivery');
    expect(resolveStep('delivery', 'review')).toBe('delivery');
    expect(resolveStep('method', 'photo')).toBe('method');
    expect(resolveStep('review', 'method')).toBe('method');
  });

  it('starts at the method when the server names an unknown step', () => {
    expect(resolveStep('bogus', 'photo')).toBe('method');
  });

  it('knows the way back and the numbers of the indicator', () => {
    expect(previousStep('method')).toBeNull();
    expect(previousStep('personal')).toBe('method');
    expect(previousStep('review')).toBe('delivery');
    expect(stepNumber('method')).toBe(0);
    expect(NUMBERED.map(stepNumber)).toEqual([1, 2, 3, 4]);
    expect(FLOW).toHaveLength(5);
  });
});

describe('indicatorItems', () => {
  it('marks done, current and upcoming; links only reached steps', () => {
    const items = indicatorItems('photo', 'delivery');
    expect(items.map((i) => [i.step, i.number, i.state, i.link])).toEqual([
      ['personal', 1, 'done', true],
      ['photo', 2, 'current', false],
      ['delivery', 3, 'upcoming', true],
      ['review', 4, 'upcoming', false],
    ]);
  });

  it('while editing from the review, every other step is a link', () => {
    const items = indicatorItems('personal', 'review');
    expect(items.filter((i) => i.link).map((i) => i.step)).toEqual(['photo', 'delivery', 'review']);
    expect(items[0].state).toBe('current');
    expect(items[1].state).toBe('done');
  });
});

describe('registerErrorText', () => {
  it('writes out the expiry date and the company from the details', () => {
    const err = { code: 'invitation_expired', details: { expiredOn: '2026-12-03T10:00:00Z', company: 'Bygg AB' } };
    expect(registerErrorText('en', err)).toBe('This invitation expired on 3 December 2026. Ask Bygg AB for a new one.');
    expect(registerErrorText('sv', err)).toBe('Den här inbjudan gick ut den 3 december 2026. Be Bygg AB om en ny.');
  });

  it('falls back to "the company that invited you" and a sentence without the date', () => {
    expect(registerErrorText('en', { code: 'invitation_expired' })).toBe(
      'This invitation has expired. Ask the company that invited you for a new one.',
    );
    expect(registerErrorText('en', { code: 'invitation_expired', details: { expiredOn: 'not a date' } })).toBe(
      'This invitation has expired. Ask the company that invited you for a new one.',
    );
  });

  it('has one message per opening failure, each naming the company where it has one', () => {
    const details = { company: 'Bygg AB', registeredOn: '2026-11-25T10:00:00Z', expiredOn: '2026-12-03T10:00:00Z' };
    const seen = new Set<string>();
    for (const code of ['invalid_link', 'invitation_expired', 'invitation_revoked', 'invitation_superseded', 'already_registered']) {
      for (const locale of ['sv', 'en'] as const) {
        const text = registerErrorText(locale, { code, details });
        expect(text, `${locale} ${code}`).not.toMatch(/\{\w+\}/);
        if (code !== 'invalid_link') expect(text, `${locale} ${code}`).toContain('Bygg AB');
        seen.add(text);
      }
    }
    expect(seen.size).toBe(10);
    expect(registerErrorText('en', { code: 'already_registered', details })).toContain('25 November 2026');
  });

  it('names the missing step of an incomplete registration', () => {
    expect(registerErrorText('en', { code: 'incomplete', details: { step: 'photo' } })).toBe(
      'The step “Photo” is not done yet. Fill it in and try again.',
    );
    expect(registerErrorText('sv', { code: 'incomplete' })).toBe(
      'Något steg är inte klart än. Gå igenom stegen och försök igen.',
    );
  });

  it('uses the general message, then the server message, for other codes', () => {
    expect(registerErrorText('en', { code: 'rate_limited' })).toBe('Too many attempts. Wait a moment and try again.');
    expect(registerErrorText('en', { code: 'weird', message: 'Server says so.' })).toBe('Server says so.');
  });

  it('classifies link errors', () => {
    expect(isLinkError('invitation_revoked')).toBe(true);
    expect(isLinkError('already_registered')).toBe(true);
    expect(isLinkError('invalid')).toBe(false);
    expect(isLinkError('photo_format')).toBe(false);
  });

  it('titles an already registered link with its date', () => {
    expect(linkErrorTitle('en', { code: 'already_registered', details: { registeredOn: '2026-11-25T10:00:00Z' } })).toBe(
      'Already registered on 25 November 2026',
    );
    expect(linkErrorTitle('sv', { code: 'already_registered' })).toBe('Redan registrerad');
    expect(linkErrorTitle('en', { code: 'invitation_revoked' })).toBe('The invitation could not be opened');
  });

  it('detailParams leaves out what is not there', () => {
    expect(detailParams('en', {})).toEqual({ company: 'the company that invited you' });
  });
});

describe('field errors', () => {
  it('prefers the field-specific sentence, then the code, then a general one', () => {
    expect(fieldErrorText('en', 'personnummer', 'checksum')).toMatch(/check digit/);
    expect(fieldErrorText('sv', 'phone', 'required')).toBe('Skriv ditt mobilnummer.');
    expect(fieldErrorText('en', 'city', 'too_long')).toBe('The text is too long. Use at most 100 characters.');
    expect(fieldErrorText('en', 'city', 'brand_new_code')).toBe('The value is not valid. Check it and try again.');
  });

  it('has a sentence for every code of the contract', () => {
    const codes = ['required', 'format', 'checksum', 'date', 'future', 'too_young', 'too_old', 'country', 'characters', 'no_letter', 'too_long', 'not_mobile'];
    for (const c of codes) expect(hasKey(`register.code.${c}`), c).toBe(true);
  });

  it('maps server field names to DOM ids', () => {
    expect(fieldDomId('first_name')).toBe('reg-first-name');
    expect(fieldDomId('addr-postal_code')).toBe('reg-addr-postal-code');
  });
});

describe('prechecks', () => {
  it('personal: only what is missing, for the chosen kind of identity', () => {
    expect(precheckPersonal(emptyPersonal())).toEqual({
      first_name: 'required',
      last_name: 'required',
      personnummer: 'required',
      phone: 'required',
    });
    const foreign = { ...emptyPersonal(), hasPersonnummer: false, firstName: 'Jan', lastName: 'Kowalski', phone: '+48 600 000 000' };
    expect(precheckPersonal(foreign)).toEqual({ birth_date: 'required', nationality: 'required', id_number: 'required' });
    // A wrong check digit is not the client's business.
    expect(precheckPersonal({ ...emptyPersonal(), firstName: 'A', lastName: 'B', personnummer: '19811218-9875', phone: '1' })).toEqual({});
  });

  it('personal payload: trimmed, and the other kind of identity emptied', () => {
    const p = { ...emptyPersonal(), firstName: ' Anna ', lastName: 'Berg', personnummer: '19811218-9876 ', birthDate: '1981-12-18', nationality: 'SE', idNumber: 'X1', phone: ' 070 ' };
    expect(personalPayload(p)).toMatchObject({ firstName: 'Anna', personnummer: '19811218-9876', birthDate: '', nationality: '', idNumber: '', phone: '070' });
    expect(personalPayload({ ...p, hasPersonnummer: false })).toMatchObject({ personnummer: '', birthDate: '1981-12-18', nationality: 'SE', idNumber: 'X1' });
  });

  it('address: the required lines', () => {
    expect(precheckAddress({ name: 'A', careOf: '', street: '', postalCode: '11122', city: ' ', country: 'SE' })).toEqual({
      street: 'required',
      city: 'required',
    });
  });

  it('photo file: JPEG or PNG, 1 byte to 10 MiB', () => {
    expect(precheckPhoto({ size: 1000, type: 'image/jpeg', name: 'a.jpg' })).toBeNull();
    expect(precheckPhoto({ size: 1000, type: 'image/png', name: 'a.png' })).toBeNull();
    expect(precheckPhoto({ size: 1000, type: '', name: 'IMG_1.JPG' })).toBeNull();
    expect(precheckPhoto({ size: 1000, type: 'image/heic', name: 'a.heic' })).toBe('photo_format');
    expect(precheckPhoto({ size: 1000, type: '', name: 'a.gif' })).toBe('photo_format');
    expect(precheckPhoto({ size: 10 * 1024 * 1024, type: 'image/jpeg', name: 'a.jpg' })).toBeNull();
    expect(precheckPhoto({ size: 10 * 1024 * 1024 + 1, type: 'image/jpeg', name: 'a.jpg' })).toBe('too_large');
    expect(precheckPhoto({ size: 0, type: 'image/jpeg', name: 'a.jpg' })).toBe('photo_empty');
  });
});

describe('photo check', () => {
  const photo = (problems: PhotoState['problems'], rendered = true): PhotoState => ({
    version: 1,
    sourceWidth: 2400,
    sourceHeight: 1800,
    crop: { x: 0, y: 0, width: 700, height: 900 },
    ok: problems.length === 0,
    problems,
    rendered,
  });

  it('blocking problems stop Continue, advice does not', () => {
    expect(photoUsable(photo([]))).toBe(true);
    expect(photoUsable(photo([{ code: 'too_far', blocking: false }]))).toBe(true);
    expect(photoUsable(photo([{ code: 'no_face', blocking: true }]))).toBe(false);
    expect(photoUsable(photo([], false))).toBe(false);
    expect(photoUsable(null)).toBe(false);
    expect(blockingProblems(photo([{ code: 'several_faces', blocking: true }, { code: 'too_dark', blocking: false }]))).toEqual(['several_faces']);
  });

  it('has plain words for every problem code', () => {
    for (const code of ['no_face', 'several_faces', 'head_cut', 'not_centred', 'too_far', 'too_close', 'too_dark', 'too_bright']) {
      for (const l of ['sv', 'en'] as const) {
        expect(photoProblemText(l, code)).not.toBe(translate(l, 'register.photo.problem.unknown'));
      }
    }
    expect(photoProblemText('en', 'new_code')).toBe('The photo does not meet the requirements. Try another photo.');
  });

  it('a head cut off by the frame blocks Next, and says why', () => {
    // As the server answers a frame made smaller twelve times.
    const cut = photo([{ code: 'head_cut', blocking: true }]);
    expect(photoUsable(cut)).toBe(false);
    expect(blockedReason('en', cut)).toBe(
      'You cannot go on yet: The frame cuts off part of your head. Your whole head, hair and chin, must show: make the frame larger or move it.',
    );
    expect(blockedReason('sv', cut)).toMatch(/^Du kan inte gå vidare än: Ramen skär av en del av huvudet/);
    // The first blocking problem is the reason, advice is not.
    expect(blockedReason('en', photo([{ code: 'not_centred', blocking: false }, { code: 'several_faces', blocking: true }]))).toMatch(
      /more than one face/,
    );
    expect(blockedReason('en', photo([{ code: 'too_close', blocking: false }]))).toBe('');
    expect(blockedReason('en', null)).toBe('');
  });
});

describe('formatting', () => {
  it('invitation language', () => {
    expect(invitationLocale('en')).toBe('en');
    expect(invitationLocale('sv-SE')).toBe('sv');
    expect(invitationLocale('de')).toBeNull();
    expect(invitationLocale(undefined)).toBeNull();
  });

  it('personnummer with its dash', () => {
    expect(formatPersonnummer('198112189876')).toBe('19811218-9876');
    expect(formatPersonnummer('19811218-9876')).toBe('19811218-9876');
    expect(formatPersonnummer('811218-9876')).toBe('811218-9876');
  });

  it('address lines, skipping empty ones', () => {
    const a = { name: 'Bygg AB', careOf: '', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' };
    expect(addressLines(a, () => 'Sverige')).toEqual(['Bygg AB', 'Storgatan 1', '111 22 Stockholm', 'Sverige']);
    expect(addressLines({ ...a, careOf: 'Berg' }, (c) => c)[1]).toBe('c/o Berg');
  });
});

describe('dictionary keys built at run time', () => {
  it('exist for every step, field label and photo problem', () => {
    const keys = [
      ...FLOW.map((s) => `register.step.${s}`),
      ...['first_name', 'last_name', 'personnummer', 'birth_date', 'nationality', 'id_number', 'phone'].map((f) => `register.personal.${f}`),
      ...['name', 'care_of', 'street', 'postal_code', 'city', 'country'].map((f) => `register.delivery.${f}`),
      ...['too_large', 'photo_format', 'photo_dimensions', 'photo_too_small', 'photo_resolution', 'photo_busy', 'photo_empty', 'not_configured', 'incomplete'].map(
        (c) => `register.error.${c}`,
      ),
    ];
    for (const k of keys) expect(hasKey(k), k).toBe(true);
  });
});

describe('photo error texts', () => {
  it('name ID06\'s limits in both languages, and a busy server asks to wait', () => {
    for (const l of ['sv', 'en'] as const) {
      expect(registerErrorText(l, { code: 'photo_too_small' })).toMatch(/322 × 414/);
      expect(registerErrorText(l, { code: 'photo_resolution' })).toMatch(/322 × 414/);
      expect(registerErrorText(l, { code: 'photo_dimensions' })).toMatch(/25 megapix/);
    }
    expect(registerErrorText('sv', { code: 'photo_busy', message: 'Many photos are being checked right now.' })).toMatch(/försök igen/);
    expect(registerErrorText('en', { code: 'photo_busy' })).toMatch(/try again/);
  });
});

describe('uploadErrorCode', () => {
  it('explains a photo with too few pixels for any crop as a too small photo', () => {
    expect(uploadErrorCode('photo_resolution')).toBe('photo_too_small');
    expect(uploadErrorCode('photo_format')).toBe('photo_format');
  });
});
