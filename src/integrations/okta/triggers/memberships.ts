import { appAssignedToUser, userAddedToGroup } from '../fixtures/events.js';
import { idParameter, oktaTrigger } from './okta-trigger.js';

export const userAddedToGroupTrigger = oktaTrigger({
  type: 'OKTA_TRIGGER_USER_ADDED_TO_GROUP',
  title: 'User added to group',
  description:
    'Fires when a user is added to a group (`group.user_membership.add`), optionally only for one group. `target` holds the `User` and the `UserGroup`.',
  eventType: 'group.user_membership.add',
  examplePayload: userAddedToGroup,
  filter: {
    param: 'groupId',
    targetType: 'UserGroup',
    parameter: idParameter('groupId', 'Group ID', "Only additions to this group (its id, shown in the group's Admin Console URL, e.g. 00g1emaKYZTWRYYRRTSK). Leave empty for every group.", '00g1emaKYZTWRYYRRTSK'),
  },
});

export const appAssignedToUserTrigger = oktaTrigger({
  type: 'OKTA_TRIGGER_APP_ASSIGNED_TO_USER',
  title: 'App assigned to user',
  description:
    'Fires when a user is assigned to an application (`application.user_membership.add`), optionally only for one app. `target` holds the `AppInstance`, the `AppUser` and the `User`.',
  eventType: 'application.user_membership.add',
  examplePayload: appAssignedToUser,
  filter: {
    param: 'appId',
    targetType: 'AppInstance',
    parameter: idParameter('appId', 'App ID', "Only assignments to this app (its id, shown in the app's Admin Console URL, e.g. 0oa1gjh63g214q0Hq0g4). Leave empty for every app.", '0oa1gjh63g214q0Hq0g4'),
  },
});
