// Every page but the smallest is a chunk of its own, loaded when first
// shown (components/LazyPage.svelte): the admin window does not parse the
// kiosk's camera and crop code, and a phone opening its invitation link
// does not download the console. The chunks are embedded in the binary like
// the rest of the bundle, so a kiosk with no network loads them too.
// The loaders are module constants so that LazyPage sees the same function
// on every render.
export const pages = {
  invitations: () => import('./Invitations.svelte'),
  invitationNew: () => import('./InvitationNew.svelte'),
  invitationDetail: () => import('./InvitationDetail.svelte'),
  orders: () => import('./Orders.svelte'),
  orderDetail: () => import('./OrderDetail.svelte'),
  kiosks: () => import('./Kiosks.svelte'),
  nexusBatches: () => import('./NexusBatches.svelte'),
  nexusBatchDetail: () => import('./NexusBatchDetail.svelte'),
  audit: () => import('./Audit.svelte'),
  settings: () => import('./Settings.svelte'),
  setup: () => import('./Setup.svelte'),
  kiosk: () => import('./Kiosk.svelte'),
  registerCode: () => import('./RegisterCode.svelte'),
  registerToken: () => import('./RegisterToken.svelte'),
};
