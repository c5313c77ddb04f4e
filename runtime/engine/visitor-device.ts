import type { VisitorDevice } from '../../core/module-contract.js';
import type { DeviceFacts } from '../../storage/session-repository.js';

/** What a step may know of the visitor's device and page: the session's device facts but the screen and country (given on their own). */
export function visitorDevice(device: DeviceFacts): VisitorDevice {
  return {
    ...(device.mobile !== undefined && { mobile: device.mobile }),
    ...(device.browser !== undefined && { browser: device.browser }),
    ...(device.platform !== undefined && { platform: device.platform }),
    ...(device.language !== undefined && { language: device.language }),
    ...(device.originUrl !== undefined && { page: device.originUrl }),
  };
}
