import type { ModuleDefinition } from '../core/module-contract.js';
import { choiceModule } from './choice/choice-module.js';
import { consentModule } from './consent/consent-module.js';
import { codesModule } from './codes/codes-module.js';
import { conditionModule } from './condition/condition-module.js';
import { emailCaptureModule } from './email-capture/email-capture-module.js';
import { giveawayModule } from './giveaway/giveaway-module.js';
import { instantWinModule } from './instant-win/instant-win-module.js';
import { linkModule } from './link/link-module.js';
import { messageModule } from './message/message-module.js';
import { shareModule } from './share/share-module.js';
import { splitModule } from './split/split-module.js';
import { textQuestionModule } from './text-question/text-question-module.js';
import { fileUploadModule } from './file-upload/file-upload-module.js';
import { loyaltyModule } from './loyalty/loyalty-module.js';
import { quizModule } from './quiz/quiz-module.js';
import { ratingModule } from './rating/rating-module.js';

/** Every module this runtime offers: the hand-written list the registry is built from. */
export const MODULES: readonly ModuleDefinition[] = [messageModule, choiceModule, conditionModule, splitModule, quizModule, ratingModule, linkModule, shareModule, textQuestionModule, fileUploadModule, emailCaptureModule, consentModule, instantWinModule, giveawayModule, loyaltyModule, codesModule];
