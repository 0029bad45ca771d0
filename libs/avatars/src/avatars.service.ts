import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '@chat/errors';
import { AvatarProcessor } from './avatar-processor.service';
import { checkImage } from './image-checks';

@Injectable()
export class AvatarsService {
  constructor(private readonly processor: AvatarProcessor) {}

  /** Checks the upload now; the resize and the switch happen in the background. */
  async accept(userId: number, image: Buffer | undefined): Promise<void> {
    if (!image) {
      throw new InvalidInputError([{ field: 'image', message: 'image must be an uploaded file' }]);
    }
    await checkImage(image);
    this.processor.submit(userId, image);
  }
}
