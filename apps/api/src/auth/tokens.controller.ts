import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { createTokenSchema } from '@twin/contracts';
import { parseWith } from '../common/parse-with';
import { AuthService } from './auth.service';
import { Roles } from './roles.decorator';

@Controller('tokens')
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: unknown) {
    return this.auth.create(parseWith(createTokenSchema, body));
  }
}
