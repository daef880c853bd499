import { describe, expect, it } from 'vitest';
import { chatRequestFromOpenAI } from './openai-request.js';
import { WireError } from './wire-error.js';

const user = { role: 'user', content: 'Hi' };

function rejects(body: unknown): WireError {
  try {
    chatRequestFromOpenAI(body);
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error('expected a WireError');
}

describe('chatRequestFromOpenAI', () => {
  it('maps settings, stream flags and the model', () => {
    const chat = chatRequestFromOpenAI({
      model: 'fast',
      messages: [user],
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      presence_penalty: 1,
      frequency_penalty: -1,
      seed: 42,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
      user: 'ignored',
      parallel_tool_calls: true,
      some_future_field: { x: 1 },
    });
    expect(chat).toEqual({
      stream: true,
      includeUsage: true,
      request: {
        model: 'fast',
        messages: [{ role: 'user', content: 'Hi' }],
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        presencePenalty: 1,
        frequencyPenalty: -1,
        seed: 42,
        stopSequences: ['END'],
      },
    });
    expect(
      chatRequestFromOpenAI({ model: 'm', messages: [user], max_tokens: 7 }).request.maxOutputTokens,
    ).toBe(7);
  });

  it('maps every message role; developer becomes system; tool results get their tool name', () => {
    const { request } = chatRequestFromOpenAI({
      model: 'm',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'A' },
            { type: 'text', text: 'B' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'sunny' }] },
        { role: 'assistant', content: 'It is a cat.' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'AB' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          {
            type: 'file',
            data: 'data:image/png;base64,AAAA',
            mediaType: 'image/png',
            providerOptions: { openai: { imageDetail: 'low' } },
          },
          { type: 'file', data: 'https://example.com/cat.jpg', mediaType: 'image/*' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: '{"q":"cat"}' },
          { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'lookup',
            output: { type: 'text', value: 'a cat' },
          },
          {
            type: 'tool-result',
            toolCallId: 'call_2',
            toolName: 'weather',
            output: { type: 'text', value: 'sunny' },
          },
        ],
      },
      { role: 'assistant', content: 'It is a cat.' },
    ]);
  });

  it('maps tools and every tool choice', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'noop' } },
    ];
    const base = { model: 'm', messages: [user], tools };
    const { request } = chatRequestFromOpenAI({ ...base, tool_choice: 'required' });
    expect(request.tools).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather of a city',
        inputSchema: tools[0]!.function.parameters,
        providerOptions: { openai: { strict: true } },
      },
      { type: 'function', name: 'noop', inputSchema: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ type: 'required' });
    expect(chatRequestFromOpenAI({ ...base, tool_choice: 'auto' }).request.toolChoice).toEqual({
      type: 'auto',
    });
    expect(chatRequestFromOpenAI({ ...base, tool_choice: 'none' }).request.toolChoice).toEqual({
      type: 'none',
    });
    expect(
      chatRequestFromOpenAI({ ...base, tool_choice: { type: 'function', function: { name: 'noop' } } })
        .request.toolChoice,
    ).toEqual({ type: 'tool', toolName: 'noop' });
  });

  it('maps JSON mode and json_schema to the response format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(
      chatRequestFromOpenAI({ model: 'm', messages: [user], response_format: { type: 'json_object' } })
        .request.responseFormat,
    ).toEqual({ type: 'json' });
    expect(
      chatRequestFromOpenAI({
        model: 'm',
        messages: [user],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema, description: 'd', strict: true },
        },
      }).request.responseFormat,
    ).toEqual({ type: 'json', name: 'answer', schema, description: 'd' });
    expect(
      chatRequestFromOpenAI({ model: 'm', messages: [user], response_format: { type: 'text' } }).request
        .responseFormat,
    ).toEqual({ type: 'text' });
  });

  it.each([
    [null, 'body'],
    [[], 'body'],
    [{ messages: [user] }, 'model'],
    [{ model: 3, messages: [user] }, 'model'],
    [{ model: '', messages: [user] }, 'model'],
    [{ model: 'm' }, 'messages'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: {} }, 'messages'],
    [{ model: 'm', messages: ['hi'] }, 'messages[0]'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'user', content: [] }] }, 'messages[0].content'],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
      'messages[0].content[0].type',
    ],
    [
      {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] },
        ],
      },
      'messages[0].content[0].image_url.url',
    ],
    [{ model: 'm', messages: [{ role: 'assistant' }] }, 'messages[0].content'],
    [
      { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'x' }] }] },
      'messages[0].tool_calls[0]',
    ],
    [
      { model: 'm', messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] },
      'messages[0].tool_call_id',
    ],
    [{ model: 'm', messages: [{ role: 'system', content: 5 }] }, 'messages[0].content'],
    [{ model: 'm', messages: [user], temperature: 3 }, 'temperature'],
    [{ model: 'm', messages: [user], temperature: '1' }, 'temperature'],
    [{ model: 'm', messages: [user], top_p: -0.1 }, 'top_p'],
    [{ model: 'm', messages: [user], max_tokens: 0 }, 'max_tokens'],
    [{ model: 'm', messages: [user], max_tokens: 1.5 }, 'max_tokens'],
    [{ model: 'm', messages: [user], n: 2 }, 'n'],
    [{ model: 'm', messages: [user], logprobs: true }, 'logprobs'],
    [{ model: 'm', messages: [user], stream: 'yes' }, 'stream'],
    [{ model: 'm', messages: [user], stream_options: { include_usage: true } }, 'stream_options'],
    [{ model: 'm', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ model: 'm', messages: [user], tools: {} }, 'tools'],
    [
      { model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'a b' } }] },
      'tools[0].function.name',
    ],
    [
      {
        model: 'm',
        messages: [user],
        tools: [
          { type: 'function', function: { name: 'a' } },
          { type: 'function', function: { name: 'a' } },
        ],
      },
      'tools[1].function.name',
    ],
    [{ model: 'm', messages: [user], tool_choice: 'required' }, 'tool_choice'],
    [
      {
        model: 'm',
        messages: [user],
        tools: [{ type: 'function', function: { name: 'a' } }],
        tool_choice: { type: 'function', function: { name: 'b' } },
      },
      'tool_choice.function.name',
    ],
    [{ model: 'm', messages: [user], response_format: { type: 'xml' } }, 'response_format.type'],
    [
      { model: 'm', messages: [user], response_format: { type: 'json_schema' } },
      'response_format.json_schema',
    ],
    [
      {
        model: 'm',
        messages: [user],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: [] } },
      },
      'response_format.json_schema.schema',
    ],
  ])('rejects %j naming %s', (body, param) => {
    const error = rejects(body);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`'${param}'`);
  });
});
