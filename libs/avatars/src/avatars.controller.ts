import { Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { memoryStorage } from 'multer';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { AvatarsService } from './avatars.service';
import { MAX_UPLOAD_BYTES } from './image-checks';

@ApiTags('avatar')
@Controller('avatar')
export class AvatarsController {
  constructor(private readonly avatars: AvatarsService) {}

  /**
   * Multipart field `image`: PNG, JPEG or WebP up to 1 MiB. The token may also come as `?token=`.
   * The new avatar appears, and the `avatar` event goes out, once the background resize is done.
   */
  @Post('upload')
  @HttpCode(201)
  @Authenticated({ compat: true })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } } },
  })
  @UseInterceptors(
    FileInterceptor('image', {
      storage: memoryStorage(),
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11, headerPairs: 50 },
    }),
  )
  async upload(
    @CurrentUser() caller: AuthUser,
    @UploadedFile() image: Express.Multer.File | undefined,
  ): Promise<{ message: string }> {
    await this.avatars.accept(caller.id, image?.buffer);
    return { message: 'Image sent for resize' };
  }
}
