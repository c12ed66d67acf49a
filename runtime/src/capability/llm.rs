//! `fermyon:spin/llm@2.0.0`. The runtime has no inferencing engine, so it answers as a
//! Spin without one does: a model the component does not list in its `ai_models` is
//! refused as `invalid-input`, and a listed one fails as `runtime-error`.

use super::CapView;
use super::bindings::fermyon::spin::llm::{
    EmbeddingModel, EmbeddingsResult, Error, Host, InferencingModel, InferencingParams,
    InferencingResult,
};

impl CapView<'_> {
    fn model_error(&self, model: &str) -> Error {
        if self.caps.ai_models.iter().any(|m| m == model) {
            Error::RuntimeError(
                "this runtime has no LLM engine: inferencing and embeddings are not available"
                    .to_string(),
            )
        } else {
            Error::InvalidInput(format!(
                "the component may not use the model '{model}': list it in the component's \
                 `ai_models` in spin.toml"
            ))
        }
    }
}

impl Host for CapView<'_> {
    fn infer(
        &mut self,
        model: InferencingModel,
        _prompt: String,
        _params: Option<InferencingParams>,
    ) -> wasmtime::Result<Result<InferencingResult, Error>> {
        Ok(Err(self.model_error(&model)))
    }

    fn generate_embeddings(
        &mut self,
        model: EmbeddingModel,
        _text: Vec<String>,
    ) -> wasmtime::Result<Result<EmbeddingsResult, Error>> {
        Ok(Err(self.model_error(&model)))
    }
}
