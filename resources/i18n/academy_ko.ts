<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR" sourcelanguage="en">
<context>
    <name>AppLanguage</name>
    <message>
        <source>en</source>
        <translation>ko</translation>
    </message>
</context>
<context>
    <name>AttentionDialog</name>
    <message>
        <source>Sheets needing attention</source>
        <translation>확인이 필요한 답안지</translation>
    </message>
    <message>
        <source>These sheets were not accepted by the server, ran out of attempts, failed on the server, or wait for a mapping or a review. Nothing here is lost.</source>
        <translation>서버가 받지 않았거나, 재시도 횟수를 다 썼거나, 서버 처리에 실패했거나, 서버 연결 정보 또는 검토를 기다리는 답안지입니다. 여기 있는 답안지는 사라지지 않습니다.</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>시험</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>학번</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>학생</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>문제</translation>
    </message>
    <message>
        <source>Server's message</source>
        <translation>서버 메시지</translation>
    </message>
    <message>
        <source>Nothing needs attention.</source>
        <translation>확인이 필요한 답안지가 없습니다.</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>다시 보내기</translation>
    </message>
    <message>
        <source>Put the selected sheets back in the queue (after fixing what was wrong)</source>
        <translation>선택한 답안지를 다시 보낼 목록에 넣습니다 (문제를 고친 뒤에)</translation>
    </message>
    <message>
        <source>Retry on server</source>
        <translation>서버에서 다시 처리</translation>
    </message>
    <message>
        <source>Ask the server to process the selected sheet again</source>
        <translation>선택한 답안지를 서버에서 다시 처리하도록 요청합니다</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Refused by the server</source>
        <translation>서버가 거부함</translation>
    </message>
    <message>
        <source>Out of attempts</source>
        <translation>재시도 횟수 초과</translation>
    </message>
    <message>
        <source>Failed on the server</source>
        <translation>서버 처리 실패</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>보류</translation>
    </message>
    <message>
        <source>Unknown student</source>
        <translation>알 수 없는 학생</translation>
    </message>
    <message>
        <source>Server submission id: {id}</source>
        <translation>서버 제출 번호: {id}</translation>
    </message>
    <message>
        <source>The server's answer:</source>
        <translation>서버 응답:</translation>
    </message>
    <message>
        <source>{n} sheets are queued again.</source>
        <translation>답안지 {n}장을 다시 보낼 목록에 넣었습니다.</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>서버에 요청하는 중…</translation>
    </message>
    <message>
        <source>The server is processing the sheet again (status: {status}).</source>
        <translation>서버가 답안지를 다시 처리하고 있습니다 (상태: {status}).</translation>
    </message>
    <message>
        <source>The server refused (HTTP {status}):</source>
        <translation>서버가 거부했습니다 (HTTP {status}):</translation>
    </message>
    <message>
        <source>Could not ask the server: {error}</source>
        <translation>서버에 요청하지 못했습니다: {error}</translation>
    </message>
</context>
<context>
    <name>BackgroundOp</name>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
</context>
<context>
    <name>BatchPanel</name>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>파일 목록</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>숨기기</translation>
    </message>
    <message>
        <source>Review flagged ({n})</source>
        <translation>확인할 문항 검토 ({n})</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Sheets</source>
        <translation>답안지 수</translation>
    </message>
    <message>
        <source>Graded</source>
        <translation>채점됨</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Grading stopped: {error}</source>
        <translation>채점이 멈췄습니다: {error}</translation>
    </message>
    <message>
        <source>Cancelled: {done} of {total} sheets graded and kept. Drop the files again or use Resume to finish.</source>
        <translation>취소됨: {total}장 중 {done}장을 채점해 저장했습니다. 파일을 다시 끌어다 놓거나 [이어서 채점]을 누르면 나머지를 채점합니다.</translation>
    </message>
    <message>
        <source>Done: {graded} sheets graded, {review} need review, {rejected} rejected.</source>
        <translation>완료: {graded}장 채점, 검토 필요 {review}장, 채점 불가 {rejected}장.</translation>
    </message>
    <message>
        <source>{n} files were already graded.</source>
        <translation>{n}개 파일은 이미 채점되어 있었습니다.</translation>
    </message>
    <message>
        <source>Preparing the files…</source>
        <translation>파일을 준비하는 중…</translation>
    </message>
    <message>
        <source>Grading {files} files: {done} of {total} sheets</source>
        <translation>{files}개 파일 채점 중: {total}장 중 {done}장</translation>
    </message>
    <message>
        <source>about {s} s left</source>
        <translation>약 {s}초 남음</translation>
    </message>
    <message>
        <source>about {m} min left</source>
        <translation>약 {m}분 남음</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>Already graded</source>
        <translation>이미 채점됨</translation>
    </message>
    <message>
        <source>Grading</source>
        <translation>채점</translation>
    </message>
    <message>
        <source>Done, {n} rejected</source>
        <translation>완료, {n}장 채점 불가</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Not finished</source>
        <translation>끝나지 않음</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>negative: check the key</source>
        <translation>음수: 정답을 확인하세요</translation>
    </message>
    <message>
        <source>poor</source>
        <translation>낮음</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>보통</translation>
    </message>
    <message>
        <source>good</source>
        <translation>좋음</translation>
    </message>
    <message>
        <source>No graded sheets yet</source>
        <translation>아직 채점된 답안지가 없습니다</translation>
    </message>
    <message>
        <source>Score distribution of {n} sheets: mean {mean}, median {median}, lowest {low}, highest {high}.</source>
        <translation>답안지 {n}장의 점수 분포: 평균 {mean}, 중앙값 {median}, 최저 {low}, 최고 {high}.</translation>
    </message>
    <message>
        <source>Mean {value}</source>
        <translation>평균 {value}</translation>
    </message>
    <message>
        <source>Median {value}</source>
        <translation>중앙값 {value}</translation>
    </message>
    <message>
        <source>Sheets</source>
        <translation>답안지 수</translation>
    </message>
    <message>
        <source>Score {score}: {n} sheets ({share})</source>
        <translation>{score}점: {n}장 ({share})</translation>
    </message>
    <message>
        <source>Scores {low} to {high}: {n} sheets ({share})</source>
        <translation>{low}점 ~ {high}점: {n}장 ({share})</translation>
    </message>
    <message>
        <source>Scores from {low} to under {high}: {n} sheets ({share})</source>
        <translation>{low}점 이상 {high}점 미만: {n}장 ({share})</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Score (out of {max})</source>
        <translation>점수 ({max}점 만점)</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>문항</translation>
    </message>
    <message>
        <source>% correct</source>
        <translation>정답률</translation>
    </message>
    <message>
        <source>Question {label}</source>
        <translation>{label}번 문항</translation>
    </message>
    <message>
        <source>Not graded</source>
        <translation>채점되지 않음</translation>
    </message>
    <message>
        <source>{correct} of {graded} correct ({share})</source>
        <translation>{graded}장 중 {correct}장 정답 ({share})</translation>
    </message>
    <message>
        <source>Percent correct for {n} questions: lowest question {hard} ({hard_share}), highest question {easy} ({easy_share}).</source>
        <translation>{n}개 문항의 정답률: 가장 낮은 문항 {hard}번 ({hard_share}), 가장 높은 문항 {easy}번 ({easy_share}).</translation>
    </message>
    <message>
        <source>Discrimination (D)</source>
        <translation>변별도 (D)</translation>
    </message>
    <message>
        <source>Good (0.4 or more)</source>
        <translation>좋음 (0.4 이상)</translation>
    </message>
    <message>
        <source>Fair (0.2 to 0.4)</source>
        <translation>보통 (0.2~0.4)</translation>
    </message>
    <message>
        <source>Poor (below 0.2)</source>
        <translation>낮음 (0.2 미만)</translation>
    </message>
    <message>
        <source>Negative: check the key</source>
        <translation>음수: 정답 확인 필요</translation>
    </message>
    <message>
        <source>Not enough graded sheets</source>
        <translation>채점된 답안지가 부족합니다</translation>
    </message>
    <message>
        <source>D = {d} ({grade})</source>
        <translation>D = {d} ({grade})</translation>
    </message>
    <message>
        <source>Upper 27%: {share} correct</source>
        <translation>상위 27%: 정답률 {share}</translation>
    </message>
    <message>
        <source>Lower 27%: {share} correct</source>
        <translation>하위 27%: 정답률 {share}</translation>
    </message>
    <message>
        <source>Discrimination index for {n} questions; {poor} below 0.2</source>
        <translation>{n}개 문항의 변별도, 0.2 미만 {poor}개</translation>
    </message>
    <message>
        <source>Key's answer</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Other choices</source>
        <translation>다른 선택지</translation>
    </message>
    <message>
        <source>– blank, × multiple marks</source>
        <translation>– 무응답, × 중복 표기</translation>
    </message>
    <message>
        <source>Q{label}</source>
        <translation>{label}번</translation>
    </message>
    <message>
        <source>Key: {answer}</source>
        <translation>정답: {answer}</translation>
    </message>
    <message>
        <source>Blank: {n}</source>
        <translation>무응답: {n}</translation>
    </message>
    <message>
        <source>Multiple marks: {n}</source>
        <translation>중복 표기: {n}</translation>
    </message>
    <message>
        <source>Sheets read: {n}</source>
        <translation>읽은 답안지: {n}</translation>
    </message>
    <message>
        <source>Answer choices for {n} questions; hover a question for the counts.</source>
        <translation>{n}개 문항의 선택지 분포입니다. 문항 위에 마우스를 올리면 개수가 보입니다.</translation>
    </message>
</context>
<context>
    <name>ClassListExport</name>
    <message>
        <source>Export class list</source>
        <translation>반 명단 내보내기</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>엑셀 통합 문서 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <source>Saved the class list ({rows} rows) to “{name}”.</source>
        <translation>반 명단({rows}줄)을 “{name}”에 저장했습니다.</translation>
    </message>
    <message>
        <source>This homework no longer exists.</source>
        <translation>이 숙제는 더 이상 없습니다.</translation>
    </message>
</context>
<context>
    <name>CornersDialog</name>
    <message>
        <source>Show where the sheet is</source>
        <translation>답안지 위치 지정</translation>
    </message>
    <message>
        <source>Click the four corners of the answer sheet, starting at the top left and going clockwise. Use Clear to start over.</source>
        <translation>답안지의 네 모서리를 왼쪽 위부터 시계 방향으로 차례로 누르세요. 다시 하려면 [지우기]를 누르세요.</translation>
    </message>
    <message>
        <source>Page corners</source>
        <translation>종이 모서리</translation>
    </message>
    <message>
        <source>Corner marks (black squares)</source>
        <translation>모서리 표시 (검은 사각형)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Re-grade</source>
        <translation>다시 채점</translation>
    </message>
    <message>
        <source>The page could not be graded with these corners: {reason}</source>
        <translation>이 모서리로는 채점할 수 없습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>DropArea</name>
    <message>
        <source>Drop the students' homework here: videos (mp4, mov), photos (jpg, png), PDFs or whole folders.</source>
        <translation>학생들의 숙제를 여기에 끌어다 놓으세요: 동영상(mp4, mov), 사진(jpg, png), PDF 또는 폴더째로.</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>Add homework files</source>
        <translation>숙제 파일 추가</translation>
    </message>
    <message>
        <source>Homework ({patterns});;All files (*)</source>
        <translation>숙제 파일 ({patterns});;모든 파일 (*)</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <source>Drop scanned answer sheets here</source>
        <translation>스캔한 답안지를 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>PDF files, JPEG or PNG images, or whole folders. Or use File ▸ Open (Ctrl+O).</source>
        <translation>PDF 파일, JPEG·PNG 이미지, 폴더 모두 됩니다. [파일 ▸ 열기](Ctrl+O)를 써도 됩니다.</translation>
    </message>
</context>
<context>
    <name>ExamPage</name>
    <message>
        <source>Results</source>
        <translation>채점 결과</translation>
    </message>
    <message>
        <source>Rejected pages</source>
        <translation>채점 불가 페이지</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>통계</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>이어서 채점</translation>
    </message>
</context>
<context>
    <name>ExamSidebar</name>
    <message>
        <source>Exams</source>
        <translation>시험</translation>
    </message>
    <message>
        <source>New exam…</source>
        <translation>새 시험…</translation>
    </message>
    <message>
        <source>No exams yet. Create one, or drop scans to start.</source>
        <translation>아직 시험이 없습니다. 새 시험을 만들거나 스캔 파일을 끌어다 놓으세요.</translation>
    </message>
    <message>
        <source>{n} sheets</source>
        <translation>{n}장</translation>
    </message>
    <message>
        <source>{n} to review</source>
        <translation>검토 {n}장</translation>
    </message>
</context>
<context>
    <name>ExportActions</name>
    <message>
        <source>Export to Excel…</source>
        <translation>엑셀로 내보내기…</translation>
    </message>
    <message>
        <source>Save the exam's results, with question statistics, as an Excel workbook</source>
        <translation>시험 결과와 문항 통계를 엑셀 파일로 저장합니다</translation>
    </message>
    <message>
        <source>Export to CSV…</source>
        <translation>CSV로 내보내기…</translation>
    </message>
    <message>
        <source>Save the results as a CSV file (opens in Excel)</source>
        <translation>결과를 CSV 파일로 저장합니다 (엑셀에서 열 수 있습니다)</translation>
    </message>
    <message>
        <source>Export to JSON Lines…</source>
        <translation>JSON Lines로 내보내기…</translation>
    </message>
    <message>
        <source>Save every sheet's full result, one JSON record per line</source>
        <translation>답안지마다 전체 결과를 한 줄에 JSON 레코드 하나씩 저장합니다</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>엑셀 통합 문서 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>결과 내보내기</translation>
    </message>
    <message>
        <source>This exam no longer exists.</source>
        <translation>이 시험은 더 이상 없습니다.</translation>
    </message>
    <message>
        <source>Saved {rows} sheets to “{name}”.</source>
        <translation>답안지 {rows}장을 “{name}”에 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>FileExporter</name>
    <message>
        <source>Exporting {name}…</source>
        <translation>{name} 내보내는 중…</translation>
    </message>
    <message>
        <source>“{name}” could not be replaced because another program is using it. Close the file in Excel and try again.</source>
        <translation>다른 프로그램이 “{name}” 파일을 사용 중이라 바꿀 수 없습니다. 엑셀에서 파일을 닫은 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>You cannot save files in “{folder}”. Choose another folder, such as Documents.</source>
        <translation>“{folder}” 폴더에는 파일을 저장할 수 없습니다. 문서 폴더 같은 다른 폴더를 고르세요.</translation>
    </message>
    <message>
        <source>The disk is full. Free some space or choose another drive.</source>
        <translation>디스크 공간이 부족합니다. 공간을 비우거나 다른 드라이브를 고르세요.</translation>
    </message>
    <message>
        <source>The folder “{folder}” does not exist any more. Choose another one.</source>
        <translation>“{folder}” 폴더가 더 이상 없습니다. 다른 폴더를 고르세요.</translation>
    </message>
    <message>
        <source>The export failed: {reason}</source>
        <translation>내보내지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>내보내기 완료</translation>
    </message>
    <message>
        <source>Open containing folder</source>
        <translation>저장한 폴더 열기</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
</context>
<context>
    <name>FileNamePattern</name>
    <message>
        <source>Match files to students by a file-name pattern (advanced)</source>
        <translation>파일 이름 규칙으로 학생 연결 (고급)</translation>
    </message>
    <message>
        <source>Leave empty to match automatically: a student number or a roster name in the file name. A pattern is a regular expression with a group (?P&lt;number&gt;…) or (?P&lt;name&gt;…), e.g. (?P&lt;number&gt;\d+)_ for 20240101_숙제.mp4.</source>
        <translation>비워 두면 파일 이름 속 학번이나 명단의 이름으로 자동 연결합니다. 규칙은 (?P&lt;number&gt;…) 또는 (?P&lt;name&gt;…) 그룹이 있는 정규식입니다. 예: 20240101_숙제.mp4에는 (?P&lt;number&gt;\d+)_</translation>
    </message>
    <message>
        <source>This is not a valid pattern.</source>
        <translation>올바른 규칙이 아닙니다.</translation>
    </message>
    <message>
        <source>The pattern needs a group (?P&lt;number&gt;…) or (?P&lt;name&gt;…).</source>
        <translation>규칙에 (?P&lt;number&gt;…) 또는 (?P&lt;name&gt;…) 그룹이 있어야 합니다.</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>To check</source>
        <translation>확인 필요</translation>
    </message>
    <message>
        <source>No student</source>
        <translation>학생 없음</translation>
    </message>
    <message>
        <source>Files the analysis was unsure about and nobody has checked yet</source>
        <translation>분석 결과가 확실하지 않고 아직 아무도 확인하지 않은 제출물</translation>
    </message>
</context>
<context>
    <name>Homework</name>
    <message>
        <source>p{n} first</source>
        <translation>{n}쪽 처음</translation>
    </message>
    <message>
        <source>p{n} last</source>
        <translation>{n}쪽 마지막</translation>
    </message>
    <message>
        <source>p{n}</source>
        <translation>{n}쪽</translation>
    </message>
    <message>
        <source>Loading pictures…</source>
        <translation>사진 불러오는 중…</translation>
    </message>
    <message>
        <source>No pictures</source>
        <translation>사진 없음</translation>
    </message>
    <message>
        <source>Click to see it larger</source>
        <translation>클릭하면 크게 봅니다</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 이전</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>다음 ▶</translation>
    </message>
    <message>
        <source>No timeline</source>
        <translation>기록 없음</translation>
    </message>
    <message>
        <source>Writing</source>
        <translation>쓰기</translation>
    </message>
    <message>
        <source>Calculation</source>
        <translation>계산</translation>
    </message>
    <message>
        <source>Ink on the page</source>
        <translation>종이 위 글씨 양</translation>
    </message>
    <message>
        <source>Page turn</source>
        <translation>쪽 넘김</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Ink</source>
        <translation>글씨 양</translation>
    </message>
    <message>
        <source>Page {n}: writing {w}, calculation {c}</source>
        <translation>{n}쪽: 쓰기 {w}, 계산 {c}</translation>
    </message>
    <message>
        <source>{time}: ink {ink} of the page</source>
        <translation>{time}: 글씨 양 종이의 {ink}</translation>
    </message>
    <message>
        <source>Page {n}</source>
        <translation>{n}쪽</translation>
    </message>
    <message>
        <source>Writing and calculation scores for {n} pages.</source>
        <translation>{n}쪽의 쓰기 점수와 계산 점수.</translation>
    </message>
    <message>
        <source>Ink over {duration}: from {start} to {end} of the page, {pages} pages.</source>
        <translation>{duration} 동안의 글씨 양: 종이의 {start}에서 {end}까지, {pages}쪽.</translation>
    </message>
    <message>
        <source>Wrote</source>
        <translation>글씨 씀</translation>
    </message>
    <message>
        <source>Little writing</source>
        <translation>조금 씀</translation>
    </message>
    <message>
        <source>No writing</source>
        <translation>안 씀</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>판독 불가</translation>
    </message>
    <message>
        <source>Not analysed yet</source>
        <translation>분석 전</translation>
    </message>
    <message>
        <source>Real writing was seen: ink grew on the page.</source>
        <translation>실제로 글씨를 썼습니다: 종이 위 글씨가 늘었습니다.</translation>
    </message>
    <message>
        <source>Only a little ink was added.</source>
        <translation>글씨가 조금만 늘었습니다.</translation>
    </message>
    <message>
        <source>No writing was seen (nothing added, or a still picture).</source>
        <translation>글씨를 쓰는 모습이 없습니다(늘어난 글씨가 없거나 정지 화면).</translation>
    </message>
    <message>
        <source>The file could not be judged (too dark, blurred, too short…).</source>
        <translation>파일로 판단할 수 없습니다(너무 어둡거나, 흐리거나, 너무 짧음 등).</translation>
    </message>
    <message>
        <source>The file has not been analysed yet.</source>
        <translation>아직 분석하지 않은 파일입니다.</translation>
    </message>
</context>
<context>
    <name>HomeworkBatchPanel</name>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>숨기기</translation>
    </message>
    <message>
        <source>Not analysed (files that cannot be used):</source>
        <translation>분석하지 않은 파일 (사용할 수 없는 파일):</translation>
    </message>
    <message>
        <source>about {s} s left</source>
        <translation>약 {s}초 남음</translation>
    </message>
    <message>
        <source>about {m} min left</source>
        <translation>약 {m}분 남음</translation>
    </message>
    <message>
        <source>Analysis stopped: {error}</source>
        <translation>분석이 중단되었습니다: {error}</translation>
    </message>
    <message>
        <source>Cancelled: {done} of {total} files analysed and kept. The rest can be resumed.</source>
        <translation>취소됨: {total}개 중 {done}개를 분석해 저장했습니다. 나머지는 이어서 분석할 수 있습니다.</translation>
    </message>
    <message>
        <source>These files were analysed before: nothing new to analyse ({n} files).</source>
        <translation>이미 분석한 파일입니다. 새로 분석할 것이 없습니다 (파일 {n}개).</translation>
    </message>
    <message>
        <source>Nothing to analyse.</source>
        <translation>분석할 파일이 없습니다.</translation>
    </message>
    <message>
        <source>Done: {n} files analysed, {check} to check.</source>
        <translation>완료: 파일 {n}개 분석, 확인 필요 {check}개.</translation>
    </message>
    <message>
        <source>{n} were analysed before and left as they are.</source>
        <translation>{n}개는 이미 분석한 파일이라 그대로 두었습니다.</translation>
    </message>
    <message>
        <source>Copying the files into the workspace…</source>
        <translation>작업 폴더로 파일을 복사하는 중…</translation>
    </message>
    <message>
        <source>Preparing the files…</source>
        <translation>파일을 준비하는 중…</translation>
    </message>
    <message>
        <source>Analysing {n} files: {done} done</source>
        <translation>파일 {n}개 분석 중: {done}개 완료</translation>
    </message>
    <message>
        <source>File {i} of {n}: {name}</source>
        <translation>{n}개 중 {i}번째 파일: {name}</translation>
    </message>
</context>
<context>
    <name>HomeworkCardWidget</name>
    <message>
        <source>{name} ({number})</source>
        <translation>{name} ({number})</translation>
    </message>
    <message>
        <source>Change student…</source>
        <translation>학생 변경…</translation>
    </message>
    <message>
        <source>No student</source>
        <translation>학생 없음</translation>
    </message>
    <message>
        <source>Pick student…</source>
        <translation>학생 지정…</translation>
    </message>
    <message>
        <source>To check</source>
        <translation>확인 필요</translation>
    </message>
    <message>
        <source>The analysis is unsure: a person should look at this one.</source>
        <translation>분석 결과가 확실하지 않습니다. 선생님이 직접 확인해 주세요.</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>동영상</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>사진</translation>
    </message>
    <message>
        <source>confidence {pct}%</source>
        <translation>확신도 {pct}%</translation>
    </message>
    <message>
        <source>checked by {who}</source>
        <translation>{who} 확인</translation>
    </message>
    <message>
        <source>the analysis said: {verdict}</source>
        <translation>분석 판정: {verdict}</translation>
    </message>
    <message>
        <source>Not analysed yet: resume the batch to analyse it.</source>
        <translation>아직 분석하지 않았습니다. 이어서 분석하기를 눌러 주세요.</translation>
    </message>
    <message>
        <source>OCR text</source>
        <translation>인식된 글자(OCR)</translation>
    </message>
    <message>
        <source>Confirm (Enter)</source>
        <translation>확인 (Enter)</translation>
    </message>
    <message>
        <source>Keep the analysis' verdict as the staff decision</source>
        <translation>분석 판정을 그대로 선생님 판정으로 확정합니다</translation>
    </message>
    <message>
        <source>Change verdict</source>
        <translation>판정 변경</translation>
    </message>
    <message>
        <source>Keys 1-4 choose a verdict</source>
        <translation>숫자 키 1-4로 판정을 고릅니다</translation>
    </message>
    <message>
        <source>Change with a reason…</source>
        <translation>사유와 함께 변경…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undo this card's last decision (Ctrl+Z)</source>
        <translation>이 제출물의 마지막 판정 되돌리기 (Ctrl+Z)</translation>
    </message>
</context>
<context>
    <name>HomeworkDecisions</name>
    <message>
        <source>Saving…</source>
        <translation>저장 중…</translation>
    </message>
    <message>
        <source>Nothing to undo on this card.</source>
        <translation>이 제출물에는 되돌릴 판정이 없습니다.</translation>
    </message>
    <message>
        <source>Undone.</source>
        <translation>되돌렸습니다.</translation>
    </message>
    <message>
        <source>Student set.</source>
        <translation>학생을 지정했습니다.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>저장했습니다.</translation>
    </message>
    <message>
        <source>The file name fits: {who}</source>
        <translation>파일 이름에 맞는 학생: {who}</translation>
    </message>
</context>
<context>
    <name>HomeworkDialog</name>
    <message>
        <source>Edit homework</source>
        <translation>숙제 수정</translation>
    </message>
    <message>
        <source>New homework</source>
        <translation>새 숙제</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>숙제 이름</translation>
    </message>
    <message>
        <source>e.g. Unit 3 practice, pages 12-15</source>
        <translation>예: 3단원 연습문제 12-15쪽</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>마감일</translation>
    </message>
    <message>
        <source>Has a due date</source>
        <translation>마감일 있음</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>반</translation>
    </message>
    <message>
        <source>e.g. Middle 2 A (optional)</source>
        <translation>예: 중2 A반 (선택)</translation>
    </message>
    <message>
        <source>Server homework id</source>
        <translation>서버 숙제 ID</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>선택</translation>
    </message>
    <message>
        <source>The homework's id on the academy server, for sending results. It can be set later.</source>
        <translation>결과를 보낼 때 쓰는 학원 서버의 숙제 ID입니다. 나중에 입력해도 됩니다.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>만들기</translation>
    </message>
    <message>
        <source>The server homework id is a whole number above 0.</source>
        <translation>서버 숙제 ID는 0보다 큰 정수입니다.</translation>
    </message>
    <message>
        <source>Enter a title.</source>
        <translation>숙제 이름을 입력해 주세요.</translation>
    </message>
</context>
<context>
    <name>HomeworkHeader</name>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Export class list…</source>
        <translation>반 명단 내보내기…</translation>
    </message>
    <message>
        <source>Save the class list with each student's verdict, who checked it, and who has not handed in (Excel or CSV)</source>
        <translation>학생별 판정, 확인한 사람, 미제출 학생을 담은 반 명단을 저장합니다 (엑셀 또는 CSV)</translation>
    </message>
    <message>
        <source>Send to server</source>
        <translation>서버로 보내기</translation>
    </message>
    <message>
        <source>Due {date}</source>
        <translation>마감 {date}</translation>
    </message>
    <message>
        <source>No due date</source>
        <translation>마감일 없음</translation>
    </message>
    <message>
        <source>Class {name}</source>
        <translation>{name}</translation>
    </message>
    <message>
        <source>Server homework id {id}</source>
        <translation>서버 숙제 ID {id}</translation>
    </message>
    <message>
        <source>Not linked to the server</source>
        <translation>서버와 연결되지 않음</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n}개 제출</translation>
    </message>
    <message>
        <source>{n} to check</source>
        <translation>확인 필요 {n}</translation>
    </message>
    <message>
        <source>{n} without a student</source>
        <translation>학생 미지정 {n}</translation>
    </message>
    <message>
        <source>{n} not analysed</source>
        <translation>{n}개 분석 전</translation>
    </message>
    <message>
        <source>{n} not submitted</source>
        <translation>미제출 {n}명</translation>
    </message>
    <message>
        <source>and {n} more</source>
        <translation>외 {n}명</translation>
    </message>
    <message>
        <source>Students of class {name} with no file in this homework:</source>
        <translation>{name} 반 학생 중 이 숙제를 내지 않은 학생:</translation>
    </message>
    <message>
        <source>Every student of the class has handed in ({n}).</source>
        <translation>반 학생 {n}명이 모두 제출했습니다.</translation>
    </message>
    <message>
        <source>Enter the server's homework id first (Edit…).</source>
        <translation>먼저 서버 숙제 ID를 입력해 주세요(수정…).</translation>
    </message>
    <message>
        <source>Put the analysed files of this homework in the outbox and send them now</source>
        <translation>이 숙제의 분석된 제출물을 보낼 목록에 넣고 지금 보냅니다</translation>
    </message>
    <message>
        <source>The files are in the outbox.</source>
        <translation>제출물을 보낼 목록에 넣었습니다.</translation>
    </message>
    <message>
        <source>{n} files put in the outbox; {held} held until checked.</source>
        <translation>{n}개를 보낼 목록에 넣었습니다. {held}개는 확인될 때까지 보류됩니다.</translation>
    </message>
</context>
<context>
    <name>HomeworkPage</name>
    <message>
        <source>No files yet. Drop the students' videos or photos above.</source>
        <translation>아직 제출물이 없습니다. 학생들의 동영상이나 사진을 위에 끌어다 놓으세요.</translation>
    </message>
    <message>
        <source>No files match this filter.</source>
        <translation>이 조건에 맞는 제출물이 없습니다.</translation>
    </message>
    <message>
        <source>Files are being analysed. Wait for them to finish or cancel first.</source>
        <translation>파일을 분석하고 있습니다. 끝날 때까지 기다리거나 먼저 취소해 주세요.</translation>
    </message>
    <message>
        <source>Fix the file-name pattern first, or clear it.</source>
        <translation>파일 이름 규칙을 먼저 고치거나 지워 주세요.</translation>
    </message>
</context>
<context>
    <name>HomeworkSidebarSection</name>
    <message>
        <source>Homework</source>
        <translation>숙제</translation>
    </message>
    <message>
        <source>New homework…</source>
        <translation>새 숙제…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Change the selected homework's title, due date, class or server id</source>
        <translation>선택한 숙제의 이름, 마감일, 반, 서버 ID 변경</translation>
    </message>
    <message>
        <source>No homework yet. Create one, then drop the students' videos or photos on it.</source>
        <translation>아직 숙제가 없습니다. 숙제를 만든 다음 학생들의 동영상이나 사진을 끌어다 놓으세요.</translation>
    </message>
    <message>
        <source>due {date}</source>
        <translation>마감 {date}</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n}개 제출</translation>
    </message>
    <message>
        <source>{n} to check</source>
        <translation>확인 필요 {n}</translation>
    </message>
    <message>
        <source>{n} not analysed</source>
        <translation>{n}개 분석 전</translation>
    </message>
    <message>
        <source>Class: {name}</source>
        <translation>반: {name}</translation>
    </message>
    <message>
        <source>Server homework id: {id}</source>
        <translation>서버 숙제 ID: {id}</translation>
    </message>
</context>
<context>
    <name>KeyEditorDialog</name>
    <message>
        <source>Answer key</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Loading the exam…</source>
        <translation>시험 정보를 불러오는 중…</translation>
    </message>
    <message>
        <source>Type answers</source>
        <translation>정답 입력</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>문항별 표</translation>
    </message>
    <message>
        <source>Import file</source>
        <translation>파일에서 가져오기</translation>
    </message>
    <message>
        <source>History</source>
        <translation>변경 기록</translation>
    </message>
    <message>
        <source>Save and re-grade</source>
        <translation>저장하고 다시 채점</translation>
    </message>
    <message>
        <source>Type the correct answers in question order, e.g. 31452 24135. Spaces and commas are ignored. (24) or 2/4: either answer is correct. [24]: both must be marked. *: every choice is correct. ?: this question is not scored.</source>
        <translation>정답을 문항 순서대로 입력하세요. 예: 31452 24135. 띄어쓰기와 쉼표는 무시됩니다. (24) 또는 2/4: 둘 중 어느 것이든 정답(복수 정답). [24]: 2와 4를 모두 표시해야 정답. *: 모든 선택지가 정답(전원 정답). ?: 채점하지 않는 문항.</translation>
    </message>
    <message>
        <source>What was read for each question, five at a time. Red: cannot be read from the sheet. ·: no answer typed yet.</source>
        <translation>문항마다 읽은 정답을 다섯 개씩 보여 줍니다. 빨간색: 답안지에서 나올 수 없는 답. ·: 아직 입력하지 않은 문항.</translation>
    </message>
    <message>
        <source>Several correct answers: separate them with commas (2, 4). 24 means 2 and 4 both marked. Empty points: the section's points.</source>
        <translation>복수 정답은 쉼표로 구분하세요 (2, 4). 24는 2와 4를 모두 표시한 답입니다. 배점을 비워 두면 영역의 기본 배점이 적용됩니다.</translation>
    </message>
    <message>
        <source>points, e.g. 3</source>
        <translation>배점 (예: 3)</translation>
    </message>
    <message>
        <source>section, e.g. 수학</source>
        <translation>영역 (예: 수학)</translation>
    </message>
    <message>
        <source>Apply to selected</source>
        <translation>선택한 문항에 적용</translation>
    </message>
    <message>
        <source>Selected questions:</source>
        <translation>선택한 문항:</translation>
    </message>
    <message>
        <source>Load the answers from a file: a spreadsheet (CSV or XLSX with the columns 문항/question and 정답/answer, optionally 배점/points and 영역/section), an Academy answer key (JSON) or an OMRChecker evaluation.json. The answers are shown in the editor; nothing is saved until you press Save.</source>
        <translation>파일에서 정답을 불러옵니다: 엑셀/CSV 파일(문항, 정답 열 필수, 배점·영역 열 선택), Academy 정답 파일(JSON) 또는 OMRChecker evaluation.json. 불러온 정답은 편집 화면에 표시되며, 저장을 누르기 전에는 저장되지 않습니다.</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>파일 선택…</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Saved by</source>
        <translation>저장한 사람</translation>
    </message>
    <message>
        <source>Saved at</source>
        <translation>저장 시각</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Load this version into the editor</source>
        <translation>이 버전을 편집 화면으로 불러오기</translation>
    </message>
    <message>
        <source>Answer key — {title}</source>
        <translation>정답 — {title}</translation>
    </message>
    <message>
        <source>Saved as version {v}. {n} sheets re-graded.</source>
        <translation>버전 {v}(으)로 저장했습니다. 답안지 {n}장을 다시 채점했습니다.</translation>
    </message>
    <message>
        <source>The exam could not be opened:</source>
        <translation>시험을 열 수 없습니다:</translation>
    </message>
    <message>
        <source>{n} questions</source>
        <translation>{n}문항</translation>
    </message>
    <message>
        <source>No answer key yet: sheets are read but not scored.</source>
        <translation>아직 정답이 없습니다. 답안지는 판독되지만 채점되지 않습니다.</translation>
    </message>
    <message>
        <source>Current key: version {v}, saved by {who} on {when}.</source>
        <translation>현재 정답: 버전 {v}, {when}에 {who} 님이 저장.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>{n} sheets graded with it.</source>
        <translation>이 정답으로 답안지 {n}장을 채점했습니다.</translation>
    </message>
    <message>
        <source>(current)</source>
        <translation>(현재)</translation>
    </message>
    <message>
        <source>Version {v}, saved by {who} on {when}</source>
        <translation>버전 {v}, {when}에 {who} 님이 저장</translation>
    </message>
    <message>
        <source>{p} pt</source>
        <translation>{p}점</translation>
    </message>
    <message>
        <source>Version {v} is in the editor. Press Save to make it the current key.</source>
        <translation>버전 {v}을(를) 불러왔습니다. 저장을 누르면 현재 정답이 됩니다.</translation>
    </message>
    <message>
        <source>Select the questions in the table first.</source>
        <translation>먼저 표에서 문항을 선택하세요.</translation>
    </message>
    <message>
        <source>'{text}' is not a number of points.</source>
        <translation>'{text}'은(는) 배점으로 쓸 수 없는 값입니다.</translation>
    </message>
    <message>
        <source>Import an answer key</source>
        <translation>정답 파일 가져오기</translation>
    </message>
    <message>
        <source>Answer keys (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)</source>
        <translation>정답 파일 (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>{name} 읽는 중…</translation>
    </message>
    <message>
        <source>{name} does not fit this sheet:</source>
        <translation>{name}은(는) 이 답안지와 맞지 않습니다:</translation>
    </message>
    <message>
        <source>Loaded {n} answers from {name}. Check them, then press Save.</source>
        <translation>{name}에서 정답 {n}개를 불러왔습니다. 확인한 뒤 저장을 누르세요.</translation>
    </message>
    <message>
        <source>{n} of {total} questions have an answer.</source>
        <translation>전체 {total}문항 중 {n}문항에 정답이 있습니다.</translation>
    </message>
    <message>
        <source>Not scored (no answer): {labels}.</source>
        <translation>채점하지 않는 문항(정답 없음): {labels}.</translation>
    </message>
    <message>
        <source>Typed {n} of {total} answers.</source>
        <translation>{total}문항 중 {n}개 입력했습니다.</translation>
    </message>
    <message>
        <source>Fix the typed answers before saving.</source>
        <translation>저장하기 전에 입력한 정답을 고쳐 주세요.</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 외 {n}건</translation>
    </message>
    <message>
        <source>Saving and re-grading…</source>
        <translation>저장하고 다시 채점하는 중…</translation>
    </message>
    <message>
        <source>Re-grading the exam with the new key…</source>
        <translation>새 정답으로 다시 채점하는 중…</translation>
    </message>
    <message>
        <source>Cancelled: the answer key was not changed.</source>
        <translation>취소했습니다. 정답은 바뀌지 않았습니다.</translation>
    </message>
    <message>
        <source>The key was not saved:</source>
        <translation>정답을 저장하지 못했습니다:</translation>
    </message>
    <message>
        <source>Unsaved answer key</source>
        <translation>저장하지 않은 정답</translation>
    </message>
    <message>
        <source>The answer key has changes that are not saved. Close anyway?</source>
        <translation>정답에 저장하지 않은 변경 사항이 있습니다. 그래도 닫을까요?</translation>
    </message>
</context>
<context>
    <name>KeyTableModel</name>
    <message>
        <source>Question</source>
        <translation>문항</translation>
    </message>
    <message>
        <source>Correct answer(s)</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>배점</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>영역</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>확인</translation>
    </message>
    <message>
        <source>The section's points (type a number to change)</source>
        <translation>영역의 기본 배점입니다 (숫자를 입력하면 바뀝니다)</translation>
    </message>
    <message>
        <source>no answer: not scored</source>
        <translation>정답 없음: 채점하지 않음</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>정상</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>E&amp;xam</source>
        <translation>시험(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Open scans…</source>
        <translation>스캔 열기…</translation>
    </message>
    <message>
        <source>Grade scanned sheets for the selected exam (Ctrl+O)</source>
        <translation>선택한 시험의 답안지 스캔을 채점합니다 (Ctrl+O)</translation>
    </message>
    <message>
        <source>New exam…</source>
        <translation>새 시험…</translation>
    </message>
    <message>
        <source>Import roster…</source>
        <translation>학생 명단 가져오기…</translation>
    </message>
    <message>
        <source>Answer key…</source>
        <translation>정답표…</translation>
    </message>
    <message>
        <source>Server mapping…</source>
        <translation>서버 연결 정보…</translation>
    </message>
    <message>
        <source>Review flagged</source>
        <translation>확인할 문항 검토</translation>
    </message>
    <message>
        <source>Resume unfinished files</source>
        <translation>끝나지 않은 파일 이어서 채점</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>끝내기</translation>
    </message>
    <message>
        <source>About Academy Desktop</source>
        <translation>Academy Desktop 정보</translation>
    </message>
    <message>
        <source>Open workspace folder</source>
        <translation>작업 폴더 열기</translation>
    </message>
    <message>
        <source>Workspace: {path}</source>
        <translation>작업 폴더: {path}</translation>
    </message>
    <message>
        <source>Homework files are still being analysed. Stop and close?

The files finished so far are kept.</source>
        <translation>숙제 파일을 아직 분석하고 있습니다. 멈추고 닫을까요?

지금까지 분석한 파일은 그대로 남습니다.</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source>Sync with the academy server is not set up</source>
        <translation>학원 서버와의 동기화가 설정되지 않았습니다</translation>
    </message>
    <message>
        <source>answer key v{v}</source>
        <translation>정답표 v{v}</translation>
    </message>
    <message>
        <source>no answer key yet</source>
        <translation>정답표 없음</translation>
    </message>
    <message>
        <source>{files} files were not finished last time ({pages} sheets left). The sheets already graded are kept.</source>
        <translation>지난번에 {files}개 파일의 채점이 끝나지 않았습니다 (남은 답안지 {pages}장). 이미 채점한 답안지는 그대로 있습니다.</translation>
    </message>
    <message>
        <source>Open scanned answer sheets</source>
        <translation>스캔한 답안지 열기</translation>
    </message>
    <message>
        <source>Scans ({patterns});;All files (*)</source>
        <translation>스캔 파일 ({patterns});;모든 파일 (*)</translation>
    </message>
    <message>
        <source>A batch is being graded. Wait for it to finish or cancel it first.</source>
        <translation>채점이 진행 중입니다. 끝날 때까지 기다리거나 먼저 취소해 주세요.</translation>
    </message>
    <message>
        <source>These files were not found and are skipped:
{files}</source>
        <translation>다음 파일을 찾을 수 없어 건너뜁니다:
{files}</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Academy Desktop {version}&lt;/h3&gt;&lt;p&gt;Offline OMR grading and homework review for academies.&lt;/p&gt;&lt;p&gt;Workspace: {path}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Academy Desktop {version}&lt;/h3&gt;&lt;p&gt;학원용 오프라인 OMR 채점과 숙제 검토 프로그램입니다.&lt;/p&gt;&lt;p&gt;작업 폴더: {path}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Sheets are still being graded. Stop and close?

Every sheet graded so far is saved. The rest can be resumed the next time you open this exam.</source>
        <translation>아직 채점 중입니다. 멈추고 닫을까요?

지금까지 채점한 답안지는 모두 저장되어 있습니다. 나머지는 다음에 이 시험을 열 때 이어서 채점할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <source>Server mapping</source>
        <translation>서버 연결</translation>
    </message>
    <message>
        <source>Server exam id (target_id)</source>
        <translation>서버 시험 ID (target_id)</translation>
    </message>
    <message>
        <source>OMR sheet id (sheet_id)</source>
        <translation>OMR 답안지 ID (sheet_id)</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>문항</translation>
    </message>
    <message>
        <source>exam_question_id</source>
        <translation>exam_question_id</translation>
    </message>
    <message>
        <source>Import from CSV or Excel…</source>
        <translation>CSV·엑셀에서 가져오기…</translation>
    </message>
    <message>
        <source>Server mapping: {title}</source>
        <translation>서버 연결 정보: {title}</translation>
    </message>
    <message>
        <source>{n} questions have no exam_question_id yet.</source>
        <translation>{n}개 문항에 아직 exam_question_id가 없습니다.</translation>
    </message>
    <message>
        <source>{n} graded sheets have a student without an enrollment id.</source>
        <translation>채점한 답안지 {n}장의 학생에게 수강 ID(enrollment_id)가 없습니다.</translation>
    </message>
    <message>
        <source>Every id the server needs is set.</source>
        <translation>서버에 필요한 ID가 모두 입력되었습니다.</translation>
    </message>
    <message>
        <source>Import the question ids</source>
        <translation>문항 ID 가져오기</translation>
    </message>
    <message>
        <source>Tables (*.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)</source>
        <translation>표 파일 (*.csv *.xlsx *.xlsm *.tsv *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>The server exam id must be a positive number.</source>
        <translation>서버 시험 ID는 양의 정수여야 합니다.</translation>
    </message>
    <message>
        <source>The sheet id must be a positive number.</source>
        <translation>답안지 ID는 양의 정수여야 합니다.</translation>
    </message>
    <message>
        <source>Question {q}: the exam_question_id must be a positive number.</source>
        <translation>{q}번 문항: exam_question_id는 양의 정수여야 합니다.</translation>
    </message>
</context>
<context>
    <name>NewExamDialog</name>
    <message>
        <source>New exam</source>
        <translation>새 시험</translation>
    </message>
    <message>
        <source>e.g. March mock exam</source>
        <translation>예: 3월 모의고사</translation>
    </message>
    <message>
        <source>optional, e.g. 중2 A반</source>
        <translation>선택 사항, 예: 중2 A반</translation>
    </message>
    <message>
        <source>Import template file…</source>
        <translation>양식 파일 가져오기…</translation>
    </message>
    <message>
        <source>An OMRChecker template.json, a server layout JSON or an Academy template</source>
        <translation>OMRChecker template.json, 서버 문항 배치 JSON 또는 Academy 양식 파일</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>선택…</translation>
    </message>
    <message>
        <source>A scan of this sheet, to check the layout fits</source>
        <translation>양식이 맞는지 확인할 이 답안지의 스캔 파일</translation>
    </message>
    <message>
        <source>Blank sheet</source>
        <translation>빈 답안지</translation>
    </message>
    <message>
        <source>Answer key file: Academy JSON, CSV, XLSX or OMRChecker evaluation.json</source>
        <translation>정답 파일: Academy JSON, CSV, XLSX 또는 OMRChecker evaluation.json</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>빼기</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>시험 이름</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>시험 날짜</translation>
    </message>
    <message>
        <source>Class or group</source>
        <translation>반 또는 그룹</translation>
    </message>
    <message>
        <source>Answer sheet</source>
        <translation>답안지 양식</translation>
    </message>
    <message>
        <source>Sample page</source>
        <translation>샘플 답안지</translation>
    </message>
    <message>
        <source>Answer key</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>The answer key can also be typed or changed later (Answer key… on the exam).</source>
        <translation>정답은 나중에 입력하거나 바꿀 수도 있습니다 (시험의 '정답…').</translation>
    </message>
    <message>
        <source>Create exam</source>
        <translation>시험 만들기</translation>
    </message>
    <message>
        <source>{file} in {folder} (imported)</source>
        <translation>{folder} 폴더의 {file} (가져온 양식)</translation>
    </message>
    <message>
        <source>Import a template</source>
        <translation>양식 가져오기</translation>
    </message>
    <message>
        <source>Template files (*.json);;All files (*)</source>
        <translation>양식 파일 (*.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Pick a template to see it here.</source>
        <translation>양식을 고르면 여기에 미리 보기가 나옵니다.</translation>
    </message>
    <message>
        <source>Loading the template…</source>
        <translation>양식을 불러오는 중…</translation>
    </message>
    <message>
        <source>This template cannot be used:</source>
        <translation>이 양식은 사용할 수 없습니다:</translation>
    </message>
    <message>
        <source>Choose a sample page</source>
        <translation>샘플 답안지 선택</translation>
    </message>
    <message>
        <source>Scans ({patterns});;All files (*)</source>
        <translation>스캔 파일 ({patterns});;모든 파일 (*)</translation>
    </message>
    <message>
        <source>None (add it later)</source>
        <translation>없음 (나중에 추가)</translation>
    </message>
    <message>
        <source>Choose an answer key</source>
        <translation>정답 파일 선택</translation>
    </message>
    <message>
        <source>Answer keys (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)</source>
        <translation>정답 파일 (*.json *.csv *.xlsx *.xlsm *.tsv *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Checking the answer key…</source>
        <translation>정답 파일을 확인하는 중…</translation>
    </message>
    <message>
        <source>This key does not fit the sheet:</source>
        <translation>이 정답은 답안지 양식과 맞지 않습니다:</translation>
    </message>
    <message>
        <source>The answer key has no answers.</source>
        <translation>정답 파일에 정답이 하나도 없습니다.</translation>
    </message>
    <message>
        <source>{n} answers, ready.</source>
        <translation>정답 {n}개, 사용할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Change the verdict</source>
        <translation>판정 변경</translation>
    </message>
    <message>
        <source>e.g. the second page is in another file</source>
        <translation>예: 두 번째 장은 다른 파일에 있음</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>판정</translation>
    </message>
    <message>
        <source>Reason (optional)</source>
        <translation>사유 (선택)</translation>
    </message>
</context>
<context>
    <name>RejectedPanel</name>
    <message>
        <source>These pages could not be graded. Scan them again, or, when the sheet could not be found or aligned, click its four corners to grade it.</source>
        <translation>채점하지 못한 페이지입니다. 다시 스캔하거나, 답안지를 찾지 못했거나 위치가 맞지 않은 경우에는 네 모서리를 눌러 채점할 수 있습니다.</translation>
    </message>
    <message>
        <source>Click corners and re-grade…</source>
        <translation>모서리 지정 후 다시 채점…</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>Student</source>
        <translation>학생</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>학번</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>확인 필요</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Rejected: {reason}</source>
        <translation>채점 불가: {reason}</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>검토 필요</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>검토 완료</translation>
    </message>
    <message>
        <source>Graded</source>
        <translation>채점됨</translation>
    </message>
    <message>
        <source>Unknown student</source>
        <translation>알 수 없는 학생</translation>
    </message>
    <message>
        <source>Not marked to send to the server</source>
        <translation>서버로 보내도록 지정되지 않음</translation>
    </message>
    <message>
        <source>Another sheet of this exam has the same student number</source>
        <translation>이 시험의 다른 답안지에 같은 학번이 있습니다</translation>
    </message>
    <message>
        <source>Student number {n} is not in the roster</source>
        <translation>학번 {n}은(는) 학생 명단에 없습니다</translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>확인 필요</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>채점 불가</translation>
    </message>
    <message>
        <source>Unknown student</source>
        <translation>알 수 없는 학생</translation>
    </message>
    <message>
        <source>Duplicate student</source>
        <translation>학번 중복</translation>
    </message>
    <message>
        <source>Review flagged ({n})</source>
        <translation>확인할 문항 검토 ({n})</translation>
    </message>
    <message>
        <source>Send this sheet to the server now</source>
        <translation>이 답안지를 지금 서버로 보내기</translation>
    </message>
    <message>
        <source>No sheets yet. Drop scanned answer sheets (PDF, JPEG, folders) here.</source>
        <translation>아직 답안지가 없습니다. 스캔한 답안지(PDF, JPEG, 폴더)를 여기에 끌어다 놓으세요.</translation>
    </message>
</context>
<context>
    <name>ResumeBar</name>
    <message>
        <source>{n} files were not analysed last time. The files already analysed are kept.</source>
        <translation>지난번에 파일 {n}개를 분석하지 못했습니다. 이미 분석한 파일은 그대로 있습니다.</translation>
    </message>
    <message>
        <source>Resume {n} unfinished files</source>
        <translation>남은 파일 {n}개 이어서 분석</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>이어서 채점</translation>
    </message>
</context>
<context>
    <name>ReviewLegend</name>
    <message>
        <source>Read</source>
        <translation>정상 판독</translation>
    </message>
    <message>
        <source>Blank</source>
        <translation>빈칸</translation>
    </message>
    <message>
        <source>Ambiguous</source>
        <translation>판독 애매</translation>
    </message>
    <message>
        <source>Low confidence</source>
        <translation>확신도 낮음</translation>
    </message>
    <message>
        <source>Several marks</source>
        <translation>복수 마킹</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>검토 완료</translation>
    </message>
    <message>
        <source>Answer key</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>맞음</translation>
    </message>
    <message>
        <source>Wrong</source>
        <translation>틀림</translation>
    </message>
    <message>
        <source>Current item</source>
        <translation>현재 항목</translation>
    </message>
    <message>
        <source>confidence {pct}%</source>
        <translation>확신도 {pct}%</translation>
    </message>
    <message>
        <source>read {value}</source>
        <translation>판독 {value}</translation>
    </message>
    <message>
        <source>now {value}</source>
        <translation>현재 {value}</translation>
    </message>
    <message>
        <source>key {value}</source>
        <translation>정답 {value}</translation>
    </message>
    <message>
        <source>blank</source>
        <translation>빈칸</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>Choose student…</source>
        <translation>학생 선택…</translation>
    </message>
    <message>
        <source>Pick the sheet's student from the roster (F2)</source>
        <translation>명단에서 이 답안지의 학생을 고릅니다 (F2)</translation>
    </message>
    <message>
        <source>Read by the program</source>
        <translation>프로그램 판독</translation>
    </message>
    <message>
        <source>Answer key</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>Recorded answer</source>
        <translation>기록된 답</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>채점</translation>
    </message>
    <message>
        <source>Blank (0)</source>
        <translation>빈칸 (0)</translation>
    </message>
    <message>
        <source>No answer: the student left it blank (0 or Del)</source>
        <translation>무응답: 학생이 비워 둔 문항 (0 또는 Del)</translation>
    </message>
    <message>
        <source>Accept reading (Enter)</source>
        <translation>판독값 그대로 확정 (Enter)</translation>
    </message>
    <message>
        <source>Keep what the program read and mark it reviewed</source>
        <translation>프로그램이 읽은 값을 그대로 두고 검토 완료로 표시합니다</translation>
    </message>
    <message>
        <source>Keys: 1–5 or A–E set the answer; press two within 0.4 s for several marks. 0 or Del: blank. Enter: accept. N / P: next / previous. Ctrl+Z / Ctrl+Y: undo / redo. Click a bubble to toggle it.</source>
        <translation>단축키: 1–5 또는 A–E로 답 입력 (0.4초 안에 두 개를 누르면 복수 마킹). 0 또는 Del: 빈칸. Enter: 판독값 확정. N / P: 다음 / 이전. Ctrl+Z / Ctrl+Y: 실행 취소 / 다시 실행. 마킹 칸을 클릭하면 켜고 끕니다.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>변경 기록</translation>
    </message>
    <message>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>검토자</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>변경</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Toggle choice {value} (key {digit} or {letter})</source>
        <translation>{value}번 선택 켜기/끄기 (키 {digit} 또는 {letter})</translation>
    </message>
    <message>
        <source>Confirm student (Enter)</source>
        <translation>학생 확정 (Enter)</translation>
    </message>
    <message>
        <source>Nothing selected</source>
        <translation>선택된 항목 없음</translation>
    </message>
    <message>
        <source>Unknown student ({number})</source>
        <translation>알 수 없는 학생 ({number})</translation>
    </message>
    <message>
        <source>Unknown student</source>
        <translation>알 수 없는 학생</translation>
    </message>
    <message>
        <source>{score} / {max} pts</source>
        <translation>{score} / {max}점</translation>
    </message>
    <message>
        <source>{file}, page {page}</source>
        <translation>{file}, {page}쪽</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>학생</translation>
    </message>
    <message>
        <source>Not in the roster</source>
        <translation>명단에 없음</translation>
    </message>
    <message>
        <source>Also on another sheet</source>
        <translation>다른 답안지와 중복</translation>
    </message>
    <message>
        <source>Number unclear</source>
        <translation>학번 불분명</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>확인됨</translation>
    </message>
    <message>
        <source>No student</source>
        <translation>학생 없음</translation>
    </message>
    <message>
        <source>Another sheet of this exam has the same student</source>
        <translation>이 시험의 다른 답안지에도 같은 학생이 있습니다</translation>
    </message>
    <message>
        <source>({pct}% sure)</source>
        <translation>(확신도 {pct}%)</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>맞음</translation>
    </message>
    <message>
        <source>Wrong</source>
        <translation>틀림</translation>
    </message>
    <message>
        <source>(until reviewed)</source>
        <translation>(검토 전까지 임시)</translation>
    </message>
    <message>
        <source>undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undone</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>No changes yet</source>
        <translation>아직 변경 사항이 없습니다</translation>
    </message>
    <message>
        <source>Question {n}</source>
        <translation>{n}번 문항</translation>
    </message>
    <message>
        <source>(blank)</source>
        <translation>(빈칸)</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Student not in the roster</source>
        <translation>명단에 없는 학생</translation>
    </message>
    <message>
        <source>Student on two sheets</source>
        <translation>답안지 두 장에 같은 학생</translation>
    </message>
    <message>
        <source>Student number unclear</source>
        <translation>학번 불분명</translation>
    </message>
    <message>
        <source>Student confirmed</source>
        <translation>학생 확인됨</translation>
    </message>
    <message>
        <source>‹ Results</source>
        <translation>‹ 채점 결과</translation>
    </message>
    <message>
        <source>Back to the results</source>
        <translation>채점 결과로 돌아가기</translation>
    </message>
    <message>
        <source>‹ Previous (P)</source>
        <translation>‹ 이전 (P)</translation>
    </message>
    <message>
        <source>Previous item (P)</source>
        <translation>이전 항목 (P)</translation>
    </message>
    <message>
        <source>Next (N) ›</source>
        <translation>다음 (N) ›</translation>
    </message>
    <message>
        <source>Next item still to settle (N)</source>
        <translation>아직 처리하지 않은 다음 항목 (N)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undo the last decision (Ctrl+Z)</source>
        <translation>마지막 결정 취소 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Y)</source>
        <translation>다시 실행 (Ctrl+Y)</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>너비 맞춤</translation>
    </message>
    <message>
        <source>Zoom to the page's width</source>
        <translation>답안지 너비에 맞춰 확대합니다</translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation>쪽 맞춤</translation>
    </message>
    <message>
        <source>Show the whole page</source>
        <translation>답안지 전체 보기</translation>
    </message>
    <message>
        <source>Show original</source>
        <translation>원본 보기</translation>
    </message>
    <message>
        <source>Show the page as scanned, with the bubbles mapped onto it</source>
        <translation>스캔한 그대로의 답안지 위에 마킹 칸을 겹쳐 보여 줍니다</translation>
    </message>
    <message>
        <source>Auto-advance</source>
        <translation>자동으로 다음 항목</translation>
    </message>
    <message>
        <source>Go to the next item after each decision</source>
        <translation>결정할 때마다 다음 항목으로 이동합니다</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>검토 목록</translation>
    </message>
    <message>
        <source>Least sure first; a tick marks what is settled</source>
        <translation>확신도가 낮은 항목부터 표시합니다. 체크 표시는 처리된 항목입니다</translation>
    </message>
    <message>
        <source>Nothing to review</source>
        <translation>검토할 항목 없음</translation>
    </message>
    <message>
        <source>All {total} settled</source>
        <translation>{total}건 모두 처리됨</translation>
    </message>
    <message>
        <source>{n} of {total} left</source>
        <translation>{total}건 중 {n}건 남음</translation>
    </message>
    <message>
        <source>The scan cannot be shown: {reason}</source>
        <translation>스캔 이미지를 표시할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>This page was not graded.</source>
        <translation>이 쪽은 채점되지 않았습니다.</translation>
    </message>
    <message>
        <source>Everything in this queue is settled.</source>
        <translation>검토할 항목을 모두 처리했습니다.</translation>
    </message>
    <message>
        <source>Who is reviewing?</source>
        <translation>검토자 이름</translation>
    </message>
    <message>
        <source>Your name is written beside every decision (asked once, kept in the settings):</source>
        <translation>모든 결정에 검토자 이름이 함께 기록됩니다 (한 번만 묻고 설정에 저장합니다):</translation>
    </message>
    <message>
        <source>student</source>
        <translation>학생</translation>
    </message>
    <message>
        <source>{field}: {old} → {new}</source>
        <translation>{field}: {old} → {new}</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>Import the student roster</source>
        <translation>학생 명단 가져오기</translation>
    </message>
    <message>
        <source>Student number (required)</source>
        <translation>학번 (필수)</translation>
    </message>
    <message>
        <source>Name (required)</source>
        <translation>이름 (필수)</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>반</translation>
    </message>
    <message>
        <source>Enrollment ID (server)</source>
        <translation>수강 ID (서버)</translation>
    </message>
    <message>
        <source>Choose an Excel (.xlsx) or CSV file with one student per row. The student number is the number students mark in the ID grid of the sheet.</source>
        <translation>한 줄에 학생 한 명씩 적힌 엑셀(.xlsx) 또는 CSV 파일을 고르세요. 학번은 학생이 답안지의 수험번호 칸에 표시하는 번호입니다.</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>선택한 파일 없음</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>파일 선택…</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>시트</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>열 지정</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>행</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>열</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>문제</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <source>Choose the roster</source>
        <translation>명단 파일 선택</translation>
    </message>
    <message>
        <source>Rosters (*.xlsx *.xlsm *.csv *.tsv *.txt);;All files (*)</source>
        <translation>명단 파일 (*.xlsx *.xlsm *.csv *.tsv *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Columns in the file: {headers}</source>
        <translation>파일의 열: {headers}</translation>
    </message>
    <message>
        <source>Header found in row {n}: {headers}</source>
        <translation>{n}행에서 머리글을 찾았습니다: {headers}</translation>
    </message>
    <message>
        <source>(choose a column)</source>
        <translation>(열 선택)</translation>
    </message>
    <message>
        <source>(do not import)</source>
        <translation>(가져오지 않음)</translation>
    </message>
    <message>
        <source>Rows with errors ({n}): they are not imported; fix them in the file.</source>
        <translation>오류가 있는 행 {n}개: 가져오지 않습니다. 파일에서 고쳐 주세요.</translation>
    </message>
    <message>
        <source>No errors.</source>
        <translation>오류가 없습니다.</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>가져옴</translation>
    </message>
    <message>
        <source>Import {n} students</source>
        <translation>학생 {n}명 가져오기</translation>
    </message>
    <message>
        <source>{good} rows ready to import.</source>
        <translation>{good}개 행을 가져올 수 있습니다.</translation>
    </message>
    <message>
        <source>{bad} rows with errors are left out.</source>
        <translation>오류가 있는 {bad}개 행은 빠집니다.</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>가져오는 중…</translation>
    </message>
    <message>
        <source>Imported: {new} new, {updated} updated, {same} unchanged.</source>
        <translation>가져왔습니다: 새 학생 {new}명, 수정 {updated}명, 변경 없음 {same}명.</translation>
    </message>
    <message>
        <source>{n} rows were not imported (see the errors).</source>
        <translation>{n}개 행은 가져오지 않았습니다 (오류 목록 참고).</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>아무것도 가져오지 못했습니다:</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Enter the full address, such as https://academy.example.com</source>
        <translation>https://academy.example.com 처럼 전체 주소를 입력하세요</translation>
    </message>
    <message>
        <source>Use an https:// address; http:// is only allowed for localhost (a test server).</source>
        <translation>https:// 주소를 사용하세요. http://는 이 컴퓨터의 테스트 서버(localhost)에만 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <source>e.g. 김선생</source>
        <translation>예: 김선생</translation>
    </message>
    <message>
        <source>Recorded with every review decision</source>
        <translation>검토 기록마다 이 이름이 남습니다</translation>
    </message>
    <message>
        <source>Staff name:</source>
        <translation>직원 이름:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>언어:</translation>
    </message>
    <message>
        <source>Default: {folder}</source>
        <translation>기본 폴더: {folder}</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>선택…</translation>
    </message>
    <message>
        <source>Default folder</source>
        <translation>기본 폴더</translation>
    </message>
    <message>
        <source>Use default</source>
        <translation>기본 폴더 사용</translation>
    </message>
    <message>
        <source>Workspace folder:</source>
        <translation>작업 폴더:</translation>
    </message>
    <message>
        <source>The new folder is used the next time you start Academy Desktop.</source>
        <translation>새 폴더는 Academy Desktop을 다음에 시작할 때부터 사용됩니다.</translation>
    </message>
    <message>
        <source>Grading</source>
        <translation>채점</translation>
    </message>
    <message>
        <source>How many pages are graded at the same time; more is faster but uses more memory</source>
        <translation>동시에 채점하는 쪽 수입니다. 늘리면 빨라지지만 메모리를 더 씁니다</translation>
    </message>
    <message>
        <source>Parallel grading jobs:</source>
        <translation>동시 채점 작업 수:</translation>
    </message>
    <message>
        <source>150 dpi (faster, for clean scans)</source>
        <translation>150 dpi (빠름, 깨끗한 스캔용)</translation>
    </message>
    <message>
        <source>200 dpi (recommended)</source>
        <translation>200 dpi (권장)</translation>
    </message>
    <message>
        <source>300 dpi (small print, slower)</source>
        <translation>300 dpi (작은 글씨, 느림)</translation>
    </message>
    <message>
        <source>The resolution at which PDF pages are read</source>
        <translation>PDF 쪽을 읽는 해상도입니다</translation>
    </message>
    <message>
        <source>PDF resolution:</source>
        <translation>PDF 해상도:</translation>
    </message>
    <message>
        <source>Homework</source>
        <translation>숙제</translation>
    </message>
    <message>
        <source>Read the text of homework photos (OCR)</source>
        <translation>숙제 사진의 글자 읽기(OCR)</translation>
    </message>
    <message>
        <source>The app's models folder, else OpenCV</source>
        <translation>앱의 models 폴더, 없으면 OpenCV</translation>
    </message>
    <message>
        <source>A YOLO model (ONNX) that finds the questions on homework photos</source>
        <translation>숙제 사진에서 문항을 찾는 YOLO 모델(ONNX)</translation>
    </message>
    <message>
        <source>Question model:</source>
        <translation>문항 찾기 모델:</translation>
    </message>
    <message>
        <source>Academy server</source>
        <translation>학원 서버</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>서버 주소:</translation>
    </message>
    <message>
        <source>Send results to the server automatically after grading</source>
        <translation>채점이 끝나면 결과를 서버로 자동 전송</translation>
    </message>
    <message>
        <source>Choose the workspace folder</source>
        <translation>작업 폴더 선택</translation>
    </message>
    <message>
        <source>Choose a YOLO model</source>
        <translation>YOLO 모델 선택</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 모델 (*.onnx)</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>설정을 저장하지 못함</translation>
    </message>
    <message>
        <source>The settings could not be saved: {reason}</source>
        <translation>설정을 저장하지 못했습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to the academy server</source>
        <translation>학원 서버 로그인</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>서버 주소:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>아이디:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>비밀번호:</translation>
    </message>
    <message>
        <source>API token:</source>
        <translation>API 토큰:</translation>
    </message>
    <message>
        <source>Paste the token the server's staff gave you. It is kept in the system keyring.</source>
        <translation>서버 담당자에게 받은 토큰을 붙여 넣으세요. 토큰은 시스템 키링(자격 증명 관리자)에 보관됩니다.</translation>
    </message>
    <message>
        <source>User name and password</source>
        <translation>아이디와 비밀번호</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API 토큰</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>로그아웃</translation>
    </message>
    <message>
        <source>Signed in as {user}.</source>
        <translation>{user}(으)로 로그인되어 있습니다.</translation>
    </message>
    <message>
        <source>Signed in with an API token.</source>
        <translation>API 토큰으로 로그인되어 있습니다.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>로그인하는 중…</translation>
    </message>
    <message>
        <source>Paste the API token first.</source>
        <translation>먼저 API 토큰을 붙여 넣으세요.</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>아이디와 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>The server did not accept the sign-in.</source>
        <translation>서버가 로그인을 받아들이지 않았습니다.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the address and the network.</source>
        <translation>서버에 연결할 수 없습니다. 주소와 네트워크를 확인하세요.</translation>
    </message>
    <message>
        <source>Signing in failed ({error}).</source>
        <translation>로그인하지 못했습니다 ({error}).</translation>
    </message>
    <message>
        <source>Signed out.</source>
        <translation>로그아웃했습니다.</translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <source>Graded sheets</source>
        <translation>채점된 답안지</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>평균</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>중앙값</translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation>최저</translation>
    </message>
    <message>
        <source>Highest</source>
        <translation>최고</translation>
    </message>
    <message>
        <source>Score distribution</source>
        <translation>점수 분포</translation>
    </message>
    <message>
        <source>How many sheets got each score. The lines mark the mean and the median.</source>
        <translation>점수별 답안지 수입니다. 선은 평균과 중앙값을 표시합니다.</translation>
    </message>
    <message>
        <source>Percent correct per question</source>
        <translation>문항별 정답률</translation>
    </message>
    <message>
        <source>The share of graded sheets that answered each question correctly.</source>
        <translation>채점된 답안지 중 각 문항을 맞힌 비율입니다.</translation>
    </message>
    <message>
        <source>Answer choices per question</source>
        <translation>문항별 선택지 분포</translation>
    </message>
    <message>
        <source>How the answers spread over the choices. A popular wrong choice may point to a misunderstanding, or to a mistake in the key.</source>
        <translation>학생들이 어떤 선택지를 골랐는지 보여 줍니다. 많이 고른 오답은 학생들의 오개념이나 정답 입력 실수를 뜻할 수 있습니다.</translation>
    </message>
    <message>
        <source>Discrimination index per question</source>
        <translation>문항별 변별도</translation>
    </message>
    <message>
        <source>Percent correct in the top 27% of sheets minus the bottom 27%. 0.4 or more separates strong and weak students well; below 0.2 poorly; a negative value usually means the key is wrong.</source>
        <translation>상위 27% 답안지의 정답률에서 하위 27%의 정답률을 뺀 값입니다. 0.4 이상이면 상위권과 하위권을 잘 구별하고, 0.2 미만이면 구별력이 낮으며, 음수이면 대개 정답이 잘못 입력된 것입니다.</translation>
    </message>
    <message>
        <source>Calculating…</source>
        <translation>계산 중…</translation>
    </message>
    <message>
        <source>This exam no longer exists.</source>
        <translation>이 시험은 더 이상 없습니다.</translation>
    </message>
    <message>
        <source>The statistics could not be calculated: {reason}</source>
        <translation>통계를 계산하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>No exam selected</source>
        <translation>선택한 시험이 없습니다</translation>
    </message>
    <message>
        <source>Exact mean: {mean}</source>
        <translation>정확한 평균: {mean}</translation>
    </message>
    <message>
        <source>{pages} pages: {ok} read, {rejected} rejected, {review} still to review, {unmatched} not on the roster.</source>
        <translation>전체 {pages}쪽: 읽음 {ok}, 거부 {rejected}, 검토 대기 {review}, 명단에 없는 학생 {unmatched}.</translation>
    </message>
    <message>
        <source>Scores are out of {max}.</source>
        <translation>점수는 {max}점 만점입니다.</translation>
    </message>
    <message>
        <source>This exam has no answer key yet: scores, percent correct and the discrimination index appear once a key is set.</source>
        <translation>이 시험에는 아직 정답이 없습니다. 정답을 입력하면 점수, 정답률, 변별도가 표시됩니다.</translation>
    </message>
    <message>
        <source>{n} sheets still need review; the figures may change.</source>
        <translation>답안지 {n}장이 아직 검토를 기다리고 있어 수치가 바뀔 수 있습니다.</translation>
    </message>
    <message>
        <source>With fewer than {n} graded sheets the discrimination index is only a rough guide.</source>
        <translation>채점된 답안지가 {n}장 미만이면 변별도는 참고용으로만 보세요.</translation>
    </message>
    <message>
        <source>No answer key: set one to see this chart</source>
        <translation>정답이 없습니다. 정답을 입력하면 이 그래프가 보입니다</translation>
    </message>
</context>
<context>
    <name>StudentPicker</name>
    <message>
        <source>Choose the student</source>
        <translation>학생 선택</translation>
    </message>
    <message>
        <source>Search by name, initial consonants (e.g. ㄱㅁㅅ) or student number.</source>
        <translation>이름, 초성(예: ㄱㅁㅅ) 또는 학번으로 검색하세요.</translation>
    </message>
    <message>
        <source>Number read on the sheet: {number}</source>
        <translation>답안지에서 읽은 학번: {number}</translation>
    </message>
    <message>
        <source>Name, ㄱㅁㅅ or number</source>
        <translation>이름, 초성(ㄱㅁㅅ) 또는 학번</translation>
    </message>
    <message>
        <source>Loading the roster…</source>
        <translation>학생 명단을 불러오는 중…</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>선택</translation>
    </message>
    <message>
        <source>The sheet's student now</source>
        <translation>현재 이 답안지의 학생</translation>
    </message>
    <message>
        <source>The roster is empty: import it first.</source>
        <translation>학생 명단이 비어 있습니다. 먼저 명단을 가져오세요.</translation>
    </message>
    <message>
        <source>No student matches.</source>
        <translation>일치하는 학생이 없습니다.</translation>
    </message>
    <message>
        <source>{n} of {total} students</source>
        <translation>학생 {total}명 중 {n}명</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>Send to server now</source>
        <translation>지금 서버로 보내기</translation>
    </message>
    <message>
        <source>Mark every graded sheet of this exam ready and send them to the server now</source>
        <translation>이 시험에서 채점된 답안지를 모두 보낼 목록에 넣고 지금 서버로 보냅니다</translation>
    </message>
    <message>
        <source>Sign in to server…</source>
        <translation>서버 로그인…</translation>
    </message>
    <message>
        <source>Sheets needing attention…</source>
        <translation>확인이 필요한 답안지…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>Not signed in to the academy server. Click to sign in.</source>
        <translation>학원 서버에 로그인하지 않았습니다. 눌러서 로그인하세요.</translation>
    </message>
    <message>
        <source>Sync is stopped</source>
        <translation>동기화가 멈춰 있습니다</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>다시 로그인</translation>
    </message>
    <message>
        <source>Please sign in to the server again.</source>
        <translation>서버에 다시 로그인해 주세요.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Sheets wait and are sent later.</source>
        <translation>서버에 연결할 수 없습니다. 답안지는 대기했다가 나중에 보냅니다.</translation>
    </message>
    <message>
        <source>{n} of {m} sheets sent; {left} waiting</source>
        <translation>{m}장 중 {n}장 보냄, {left}장 대기 중</translation>
    </message>
    <message>
        <source>{n} sheets need attention</source>
        <translation>확인이 필요한 답안지 {n}장</translation>
    </message>
    <message>
        <source>Syncing {n}/{m}</source>
        <translation>동기화 중 {n}/{m}</translation>
    </message>
    <message>
        <source>On the server: {sent} (done {done}, processing {processing}, failed {failed})</source>
        <translation>서버에 있음: {sent}건 (완료 {done}, 처리 중 {processing}, 실패 {failed})</translation>
    </message>
    <message>
        <source>Needs attention {n}</source>
        <translation>확인 필요 {n}</translation>
    </message>
    <message>
        <source>{n} sheets need attention. Click to see the server's messages.</source>
        <translation>확인이 필요한 답안지가 {n}장 있습니다. 눌러서 서버 메시지를 보세요.</translation>
    </message>
    <message>
        <source>All sent</source>
        <translation>모두 보냄</translation>
    </message>
    <message>
        <source>{n} held</source>
        <translation>보류 {n}</translation>
    </message>
    <message>
        <source>{n} sheets wait for a server mapping or a review. Click to see why.</source>
        <translation>답안지 {n}장이 서버 연결 정보나 검토를 기다립니다. 눌러서 이유를 보세요.</translation>
    </message>
    <message>
        <source>Nothing to send</source>
        <translation>보낼 것 없음</translation>
    </message>
    <message>
        <source>Sign in to the server first.</source>
        <translation>먼저 서버에 로그인하세요.</translation>
    </message>
</context>
<context>
    <name>TemplatePreview</name>
    <message>
        <source>{n} questions</source>
        <translation>{n}문항</translation>
    </message>
    <message>
        <source>{n} choices</source>
        <translation>{n}지선다</translation>
    </message>
    <message>
        <source>student ID {n} digits</source>
        <translation>수험번호 {n}자리</translation>
    </message>
    <message>
        <source>{w} × {h} mm</source>
        <translation>{w} × {h} mm</translation>
    </message>
    <message>
        <source>{w} × {h} px</source>
        <translation>{w} × {h} px</translation>
    </message>
    <message>
        <source>Pick a template to see it here.</source>
        <translation>양식을 고르면 여기에 미리 보기가 나옵니다.</translation>
    </message>
    <message>
        <source>answer bubbles</source>
        <translation>답 칸</translation>
    </message>
    <message>
        <source>number columns (student ID)</source>
        <translation>숫자 칸 (수험번호)</translation>
    </message>
    <message>
        <source>labels: block names</source>
        <translation>글자: 블록 이름</translation>
    </message>
    <message>
        <source>The sample page could not be matched to this sheet: {reason}</source>
        <translation>샘플 답안지를 이 양식에 맞추지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Showing the blank sheet instead.</source>
        <translation>대신 빈 답안지를 보여 줍니다.</translation>
    </message>
    <message>
        <source>Sample page: {name}</source>
        <translation>샘플 답안지: {name}</translation>
    </message>
    <message>
        <source>Blank sheet (no sample page chosen).</source>
        <translation>빈 답안지 (샘플 답안지를 고르지 않음).</translation>
    </message>
</context>
<context>
    <name>_PreviewModel</name>
    <message>
        <source>Row</source>
        <translation>행</translation>
    </message>
    <message>
        <source>Student number</source>
        <translation>학번</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>반</translation>
    </message>
    <message>
        <source>Enrollment ID</source>
        <translation>수강 ID</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>Not imported: check {columns}</source>
        <translation>가져오지 않음: {columns} 확인</translation>
    </message>
</context>
</TS>