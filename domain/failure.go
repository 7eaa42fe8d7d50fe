package domain

// FailureCode says why a job failed, in words a client can act on. It never carries a
// provider's own error text: that goes to the logs and the dead-letter history.
type FailureCode string

// The failure codes of the contract.
const (
	// FailureProvidersUnavailable: every provider failed temporarily until the attempts ran out.
	FailureProvidersUnavailable FailureCode = "providers_unavailable"
	// FailureProvidersRejected: the providers refused the request or the key.
	FailureProvidersRejected FailureCode = "providers_rejected"
	// FailureContentBlocked: a provider blocked the request or its answer.
	FailureContentBlocked FailureCode = "content_blocked"
	// FailureInvalidAnswer: every answer broke the result rules or the request's constraints.
	FailureInvalidAnswer FailureCode = "invalid_answer"
	// FailureWorkerLost: the workers running the job died until the attempts ran out.
	FailureWorkerLost FailureCode = "worker_lost"
	// FailureInternal: the service's own fault.
	FailureInternal FailureCode = "internal"
)

// ParseFailureCode returns the code named by s, and FailureInternal for anything else, so
// a stored value from an older version still reads as a code of the contract.
func ParseFailureCode(s string) FailureCode {
	switch c := FailureCode(s); c {
	case FailureProvidersUnavailable, FailureProvidersRejected, FailureContentBlocked,
		FailureInvalidAnswer, FailureWorkerLost:
		return c
	}
	return FailureInternal
}

// Sentence explains the code to a person in language (Korean when unknown).
func (c FailureCode) Sentence(language Language) string {
	s, ok := failureSentences[language]
	if !ok {
		s = failureSentences[Korean]
	}
	if text, ok := s[c]; ok {
		return text
	}
	return s[FailureInternal]
}

var failureSentences = map[Language]map[FailureCode]string{
	Korean: {
		FailureProvidersUnavailable: "AI 서비스가 일시적으로 응답하지 않아 레시피를 만들지 못했습니다. 잠시 후 다시 시도해 주세요.",
		FailureProvidersRejected:    "AI 서비스가 요청을 거절했습니다. 관리자에게 문의해 주세요.",
		FailureContentBlocked:       "AI 서비스가 이 요청에 대한 답변을 차단했습니다. 재료나 조건을 바꿔 다시 시도해 주세요.",
		FailureInvalidAnswer:        "AI가 조건에 맞는 레시피를 만들지 못했습니다. 조건을 조금 완화해 다시 시도해 주세요.",
		FailureWorkerLost:           "작업을 처리하던 서버가 여러 번 중단되어 생성을 마치지 못했습니다.",
		FailureInternal:             "서비스 내부 오류로 생성에 실패했습니다.",
	},
	English: {
		FailureProvidersUnavailable: "The AI providers did not answer in time; please try again in a little while.",
		FailureProvidersRejected:    "The AI providers refused the request; please contact the operator.",
		FailureContentBlocked:       "The AI provider blocked this request; try other ingredients or preferences.",
		FailureInvalidAnswer:        "The AI could not write recipes that keep your preferences; try relaxing them.",
		FailureWorkerLost:           "The servers running this job stopped too many times to finish it.",
		FailureInternal:             "The service failed on its own fault.",
	},
}
