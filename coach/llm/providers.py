"""Model strings checked before litellm is imported (it takes 3-10 s): typos fail at once.

A model string is `provider/name` (the provider is litellm's prefix) or a bare
name litellm maps itself (`gpt-4o-mini`, `claude-…`). The providers are a
static copy of litellm's list (`LlmProviders` and its OpenAI-compatible
`providers.json`, litellm 1.110), plus coach's own `local`. Only the prefix
(or a bare name's family) is checked here: a wrong model name under a right
provider is for the provider to report.
"""

from __future__ import annotations

import difflib
import re

from coach.llm.errors import ModelNotFound

PROVIDERS: frozenset[str] = frozenset(
    """
    a2a a2a_agent abliteration ai21 ai21_chat aiand aihubmix aiml aiohttp_openai amazon_nova
    anthropic anthropic_text apertis assemblyai auto_router aws_polly aws_textract azure
    azure_ai azure_speech azure_text baseten bedrock bedrock_mantle bespoke bigmodel
    black_forest_labs bytez cerebras charity_engine chatgpt chutes clarifai clf_ai_gateway
    cloudflare codestral cognition cohere cohere_chat cometapi compactifai coralbricks
    cortecs crusoe cursor custom custom_openai darkbloom dashscope databricks
    databricks_agent datarobot deepgram deepinfra deepseek docker_model_runner dotprompt
    edenai elevenlabs empiriolabs empower eu_jev fal_ai featherless_ai fireworks_ai
    friendliai galadriel gdc gemini gigachat github github_copilot gmi gradient_ai groq
    helicone heroku hosted_vllm hostinger_router huggingface humanloop hyperbolic inception
    inferenceapis infinity jina_ai kyma lambda_ai langflow langfuse langgraph laya lemonade
    libertai litellm_agent litellm_proxy llamafile llamagate lm_studio manus maritalk meta
    meta_llama microsoft_365_copilot milvus minimax mistral modelscope mongodb moonshot
    morph nace nadir nano-gpt nebius neosantara nlp_cloud novita nscale nvidia_nim
    nvidia_riva oci ollama ollama_chat oobabooga openai openai_like opencode_go openinfer
    openrouter opensearch ovhcloud parallel_ai parasail perplexity petals pg_vector
    pinstripes poe predibase prism publicai qwen_ai_platform qwencloud ragflow recraft
    reducto refuseless reka replicate runwayml s3_vectors sagemaker sagemaker_chat
    sagemaker_nova sail sambanova sap sarvam scaledown scaleway scx-ai snowflake soniox
    stability strands_decider streamlake synthetic tencent tensormesh
    text-completion-codestral text-completion-inception text-completion-openai together_ai
    topaz transcribe triton typesafe v0 valkey veniceai vercel_ai_gateway vertex_ai
    vertex_ai_beta vllm volcengine voyage wally wandb watsonx watsonx_text xai xiaomi_mimo
    xinference zai zerogpu
    """.split()  # noqa: SIM905 (a list this long reads better as words)
) | {"local"}

# Bare names litellm knows without a prefix, by family (OpenAI, Anthropic, Google, …).
_BARE_FAMILIES = re.compile(
    r"^(?:gpt-|chatgpt-|o\d|text-|davinci|babbage|ft:|claude|gemini|gemma|command|mistral|"
    r"open-mistral|open-mixtral|codestral|pixtral|ministral|magistral|devstral|grok|deepseek|"
    r"sonar|jamba|j2-|llama|meta-llama|amazon\.|anthropic\.|cohere\.|us\.|eu\.)",
    re.IGNORECASE,
)
# For "did you mean": what people most often type.
_COMMON = (
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "openai/gpt-4.1-mini",
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-haiku-4-5",
    "gemini/gemini-2.5-flash",
    "ollama/llama3.2",
    "local/smollm2",
    "gpt-4o-mini",
    "gpt-4o",
    "claude-sonnet-4-5",
)
_EXAMPLE = "like openai/gpt-4o-mini, anthropic/claude-sonnet-4-5 or ollama/llama3.2"


def check_model_string(model: str, api_base: str | None = None) -> None:
    """Raise ModelNotFound, with a suggestion, for a model string no provider can serve."""
    prefix, slash, rest = model.partition("/")
    if api_base and (not slash or prefix.lower() not in PROVIDERS):
        # A server's own model names (`qwen2.5:7b`, `meta-llama/Llama-3-8B`) need a prefix
        # that says which API it speaks; OpenAI-compatible is what servers speak.
        raise _unknown(model, f"For the server at {api_base}, write it as openai/{model}.")
    if slash:
        if not prefix or not rest:
            raise _unknown(model, f"Write it as provider/name, {_EXAMPLE}.")
        if prefix.lower() in PROVIDERS:
            return
        near = difflib.get_close_matches(prefix.lower(), PROVIDERS, n=1, cutoff=0.7)
        if near:
            hint = f"Did you mean {near[0]}/{rest}?"
        else:
            hint = (
                f"{prefix!r} is not a provider coach knows. Write it as provider/name, {_EXAMPLE}."
            )
        raise _unknown(model, hint)
    if _BARE_FAMILIES.match(model):
        return
    near = difflib.get_close_matches(model, _COMMON, n=1, cutoff=0.75)
    hint = f"Did you mean {near[0]}? " if near else ""
    raise _unknown(model, f"{hint}Write it as provider/name, {_EXAMPLE}.")


def _unknown(model: str, fix: str) -> ModelNotFound:
    return ModelNotFound(f"coach cannot tell which provider serves {model!r}.", fix, model=model)
