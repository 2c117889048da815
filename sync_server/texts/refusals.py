"""Catalogue entries of the refusals: every ``err_`` + key a service or page raises (a
:class:`sync_server.errors.ServerError`'s ``key``), the form error's heading and its way back
(merged into ``sync_server.texts.TEXTS``).

Messages with ``{name}`` fields are filled from the error's ``params`` by
``texts.error_text`` (dates as dd/mm/yyyy in Vietnamese).
"""

from __future__ import annotations

EN = {
    # form errors and refusals
    "invalid_input": "Please check the input", "back": "Back",
    "err_not_a_date": "“{value}” is not a date.",
    "err_not_a_month": "“{value}” is not a month (YYYY-MM).",
    "err_not_a_datetime": "“{value}” is not a date and time.",
    "err_range_backwards": "The end date is before the start date.",
    "err_range_too_long": "The range can span at most {days} days.",
    "err_bad_query": "The address contains a value the page cannot read.",
    "err_leave_backwards": "Leave cannot end before it starts.",
    "err_leave_too_far": "Leave must fall within one year of today ({earliest} to {latest}).",
    "err_leave_too_long": "Leave can last at most {days} days.",
    "err_leave_overlap": "This person already has leave from {start} to {end}.",
    "err_leave_no_shift": "From {start} to {end} this person has no shift (days off or "
                          "holidays only): no leave is needed.",
    "err_no_person": "This person does not exist.",
    "err_no_leave": "This leave no longer exists.",
    "err_no_correction": "This correction no longer exists.",
    "err_reason_needed": "A correction needs a reason.",
    "err_reason_too_long": "A reason has at most {chars} characters.",
    "err_future": "{day} is in the future: nothing to correct yet.",
    "err_too_old": "{day} is more than a year ago.",
    "err_no_shift": "{day} has no shift for this person (day off, holiday or leave): "
                    "nothing to excuse.",
    "err_not_late": "This person was not late on {day}: nothing to excuse.",
    "err_already_excused": "The lateness on {day} is already excused.",
    "err_not_a_time": "The missed punch needs a date and time.",
    "err_no_punch": "This punch does not exist.",
    "err_already_void": "This punch is already voided.",
    "err_import_not_xlsx": "This is not a readable Excel (XLSX) file.",
    "err_import_encoding": "The CSV file must be saved as UTF-8 (Excel: “CSV UTF-8”).",
    "err_import_no_name_column": "The first row needs a name column (Họ tên / name).",
    "err_import_empty": "The file is empty.",
    "err_import_no_name": "No name.",
    "err_import_too_long": "A value is too long.",
    "err_import_formula": "A value starts with =, +, -, @, a tab or a line break, as a "
                          "spreadsheet formula would: write it without that first character.",
    "err_import_too_many_rows": "The file has more than {rows} rows: split it into smaller files.",
    "err_import_xlsx_too_big": "This Excel file unpacks to far more than a list of people or "
                               "tasks needs: it was refused.",
    "err_import_code_twice": "Code {code} appears twice in the file.",
    "err_import_date_cell": "The column {column} holds a date: are the columns in order?",
    "err_import_not_a_date": "“{value}” in {column} is not a date (yyyy-mm-dd or dd/mm/yyyy).",
    "err_import_not_text": "“{value}” in {column} is not a code (codes are text or whole "
                           "numbers).",
    "err_import_no_title_column": "The first row needs a title column (Tiêu đề / title).",
    "err_import_no_code": "No person has the code {code}.",
    "err_import_not_your_department": "{code} is not in your department.",
    "err_import_own_department": "You may give tasks to your own department only.",
    "err_import_priority": "Priority “{value}” is not 0-2 / thấp / thường / cao.",
    "err_import_due": "Due “{value}” is not YYYY-MM-DD or YYYY-MM-DD HH:MM.",
    "err_pin_needs_code": "Give the person an employee code first: the kiosk asks for it "
                          "with the PIN.",
    "err_person_inactive": "{name} has left (inactive).",
    "err_pin_format": "A PIN is {low} to {high} digits (0-9).",
    "err_pin_trivial": "This PIN is too easy to guess (repeated digits, a run like 1234, or a "
                       "repeated pair like 1212). Choose another.",
    "err_pins_differ": "The two PINs differ.",
    "err_zip_unreadable": "The upload is not a readable ZIP file.",
    "err_zip_too_many": "The ZIP holds {count} files; at most {limit}.",
    "err_zip_absolute": "The ZIP entry “{member}” has an absolute path.",
    "err_zip_outside": "The ZIP entry “{member}” leaves the archive's folder (..).",
    "err_zip_link": "The ZIP entry “{member}” is a symbolic link.",
    "err_consent_incomplete": "A consent record needs both the notice version and who "
                              "collected it.",
    "err_username_needed": "A username is required.",
    "err_password_short": "Passwords need at least {chars} characters.",
    "err_leader_department": "A leader needs a department.",
    "err_staff_person": "A staff login needs the person it belongs to.",
    "err_user_exists": "The username {name} is taken.",
    "err_last_admin": "This is the last active admin: make another admin first.",
    "err_not_a_time_of_day": "“{value}” is not a time HH:MM.",
    "err_name_needed": "A name is required.",
    "err_working_days": "Working days are numbers from 0 (Monday) to 6 (Sunday), separated "
                        "by commas, e.g. 0,1,2,3,4.",
    "err_grace_negative": "A grace period cannot be negative.",
    "err_department_exists": "The department {name} exists already.",
    "err_assign_one": "Assign the shift to a person or to a department, not both.",
    "err_task_title": "A task needs a title.",
    "err_task_too_long": "The title has at most {title} characters, the details {details}.",
    "err_task_assignee": "Give the task to one person or one department.",
    "err_department_empty": "The department {name} has no active members.",
    "err_code_exists": "Someone already has the code {code}.",
    "err_no_shift_type": "This shift no longer exists; reload the page.",
    "err_shift_invalid": "The shift's times or limits are not valid.",
    "err_no_assignment": "This assignment no longer exists; reload the page.",
    "err_no_holiday": "This holiday no longer exists; reload the page.",
    "err_models_missing": "Face models are not installed on the server: enrolment is "
                          "unavailable.",
    "err_already_enrolled_as": "This face is already enrolled as {names}. If they are different "
                               "people (twins, siblings), an admin confirms it and both will "
                               "need face + code.",
    "err_chip_not_encoded": "The face image could not be saved; try again.",
    "err_person_erased": "This person was erased on the server; the upload is refused.",
    "err_no_chip": "This face image no longer exists; reload the page.",
    "err_no_kiosk_enrolment": "This kiosk enrolment no longer exists; reload the page.",
    "err_enrolment_decided": "This enrolment was already decided; reload the page.",
    "err_enrolment_person_gone": "The person of this enrolment no longer exists.",
    "err_bad_provisioning_code": "The set-up code is unknown, used or expired.",
    "err_bad_kiosk_credential": "The kiosk's credential is not valid.",
    "err_kiosk_revoked": "The kiosk {name} was revoked.",
    "err_consent_other_person": "This consent belongs to another person.",
    "err_consent_withdrawn": "This consent was withdrawn; record a new consent first.",
    "err_bad_embeddings": "The uploaded face templates are malformed.",
    "err_templates_stored": "These face templates are already stored for another enrolment.",
    "err_not_a_folder": "{folder} is not a folder.",
    "err_due_needs_zone": "The due time needs a time zone.",
    "err_external_id_length": "The external id is 1 to 200 characters.",
    "err_no_default_site": "There is no default site: run `sync-server migrate`.",
    "err_wrong_login": "Wrong username or password.",
    "err_no_user": "This account no longer exists; reload the page.",
    "err_no_kiosk": "This kiosk no longer exists; reload the page.",
    "err_no_snapshot": "This refused attempt has no snapshot.",
    "err_choose_punch": "Tick at least one held punch.",
    "err_punch_unknown_person": "A punch of a person who does not exist cannot count: reject "
                                "it.",
    "err_no_task": "This task no longer exists.",
    "err_task_closed": "This task is already closed: reopen it first.",
    "err_task_ack_at_kiosk": "Only the people given the task acknowledge it, at a kiosk.",
    "err_task_priority": "The priority is low, normal or high.",
    "err_zip_too_big": "The ZIP would unpack to more than {limit_mb} MB.",
    "err_zip_member_too_big": "The ZIP entry “{member}” is too large or too compressed.",
    "err_zip_member_unreadable": "The ZIP entry “{member}” cannot be read.",
    "err_kiosk_exists": "Another kiosk is already named {name}.",
    "err_kiosk_provisioned": "The kiosk {name} is already set up: revoke it first, or choose "
                             "another name.",
    "err_unknown_role": "Choose a role from the list.",
    "err_formula_name": "A name may not start with =, +, -, @, a tab or a line break (a "
                        "spreadsheet could run it as a formula).",
    "err_formula_code": "An employee code may not start with =, +, -, @, a tab or a line "
                        "break (a spreadsheet could run it as a formula).",
    "err_formula_department": "A department may not start with =, +, -, @, a tab or a line "
                              "break (a spreadsheet could run it as a formula).",
    "err_consent_too_long": "The notice version (64) or the collector (200) is too long.",
    "err_no_consent": "No consent on record for this person: give the notice version they "
                      "agreed to and who collected their consent.",
    "err_too_few_photos": "Only {accepted} photos were accepted; at least {needed} are "
                          "needed.",
    "err_zip_no_person": "No person has the employee code {code}.",
    "err_unknown_correction": "Unknown kind of correction.",
    "err_not_an_id": "The selection is not valid; reload the page.",
    "err_csrf": "The form has expired; reload the page and try again.",
    "err_role_refused": "Ask an administrator if you need it.",
    "err_not_yours": "This record belongs to someone you may not see.",
    "err_own_department": "Leaders give tasks to their own department only.",
    "err_other_department": "This task belongs to another department.",
    # the refusals of the admin accounts, e-mail digests, integrations, erasures, the data
    # key, the kiosk feed and the kiosks' template uploads
    "err_no_access_request": "This data access request no longer exists; reload the page.",
    "err_admin_exists": "An admin named {name} already exists.",
    "err_webhook_url": "A webhook address starts with http:// or https:// and has at most 500 "
                       "characters.",
    "err_no_erasure": "This erasure no longer exists; reload the page.",
    "err_integration_name": "An integration needs a name of 1 to 100 characters (not “web” "
                            "or “import”).",
    "err_integration_exists": "An integration named {name} already exists.",
    "err_bad_integration_token": "The integration's token is unknown or revoked.",
    "err_unsigned_request": "The request is not signed (X-Signature, X-Timestamp and X-Nonce "
                            "are required).",
    "err_bad_nonce": "The request's nonce (X-Nonce) must be 8 to 100 characters.",
    "err_unknown_integration": "There is no active integration named {name}.",
    "err_bad_signature": "The request's signature is wrong.",
    "err_bad_timestamp": "The request's time (X-Timestamp) must be Unix seconds.",
    "err_stale_request": "The request's time is {seconds} s away from the server clock: "
                         "check the sender's clock.",
    "err_replayed_request": "This request was already received (its nonce was used).",
    "err_no_subscription": "This webhook subscription no longer exists; reload the page.",
    "err_data_key_unavailable": "The server's data key is not available, so face data cannot "
                                "be read or stored: an administrator must restore the key.",
    "err_cursor_beyond_feed": "The kiosk's data is ahead of the server: it must load again "
                              "from the start.",
    "err_resync_required": "The kiosk moved to another site: it must load its people again.",
    "err_too_many_enrolments": "This kiosk sent {count} enrolments of this person in the last "
                               "24 hours (at most {limit}).",
    "err_consent_before_withdrawal": "A consent given on {given} is older than the withdrawal "
                                     "of {withdrawn}: only a consent given after it counts.",
    "err_rolling_needs_enrolment": "{name} has no approved face enrolment: a kiosk's new "
                                   "template only refreshes one.",
    "err_consent_not_valid": "This consent is not a valid consent of this person.",
    "err_rolling_one_embedding": "A refreshed template is one face template, with no photos "
                                 "and no new person.",
    "err_rolling_lookalike": "The new template looks like another person ({name}): it was not "
                             "kept.",
    "err_rolling_too_soon": "This person already got a refreshed template in the last 24 "
                            "hours.",
    "err_login_required": "Please log in.",
}

VI = {
    "invalid_input": "Vui lòng kiểm tra lại thông tin", "back": "Quay lại",
    "err_not_a_date": "“{value}” không phải là ngày hợp lệ.",
    "err_not_a_month": "“{value}” không phải là tháng hợp lệ (YYYY-MM).",
    "err_not_a_datetime": "“{value}” không phải là ngày giờ hợp lệ.",
    "err_range_backwards": "Ngày kết thúc trước ngày bắt đầu.",
    "err_range_too_long": "Khoảng thời gian dài tối đa {days} ngày.",
    "err_bad_query": "Địa chỉ có giá trị mà trang không đọc được.",
    "err_leave_backwards": "Ngày kết thúc nghỉ phép trước ngày bắt đầu.",
    "err_leave_too_far": "Nghỉ phép phải nằm trong vòng một năm kể từ hôm nay "
                         "({earliest} đến {latest}).",
    "err_leave_too_long": "Nghỉ phép dài tối đa {days} ngày.",
    "err_leave_overlap": "Người này đã có nghỉ phép từ {start} đến {end}.",
    "err_leave_no_shift": "Từ {start} đến {end} người này không có ca (chỉ ngày nghỉ hoặc "
                          "ngày lễ): không cần nghỉ phép.",
    "err_no_person": "Không có nhân viên này.",
    "err_no_leave": "Đợt nghỉ phép này không còn nữa.",
    "err_no_correction": "Điều chỉnh này không còn nữa.",
    "err_reason_needed": "Điều chỉnh cần có lý do.",
    "err_reason_too_long": "Lý do dài tối đa {chars} ký tự.",
    "err_future": "Ngày {day} chưa tới: chưa có gì để điều chỉnh.",
    "err_too_old": "Ngày {day} đã quá một năm.",
    "err_no_shift": "Ngày {day} người này không có ca (ngày nghỉ, ngày lễ hoặc nghỉ phép): "
                    "không có gì để miễn.",
    "err_not_late": "Ngày {day} người này không đi muộn: không có gì để miễn.",
    "err_already_excused": "Đi muộn ngày {day} đã được miễn.",
    "err_not_a_time": "Lượt chấm bị thiếu cần có ngày và giờ.",
    "err_no_punch": "Không có lượt chấm này.",
    "err_already_void": "Lượt chấm này đã bị hủy.",
    "err_import_not_xlsx": "Tệp không phải là tệp Excel (XLSX) đọc được.",
    "err_import_encoding": "Tệp CSV phải được lưu dạng UTF-8 (Excel: “CSV UTF-8”).",
    "err_import_no_name_column": "Dòng đầu cần có cột họ tên (Họ tên / name).",
    "err_import_empty": "Tệp trống.",
    "err_import_no_name": "Thiếu họ tên.",
    "err_import_too_long": "Có giá trị quá dài.",
    "err_import_formula": "Có giá trị bắt đầu bằng =, +, -, @, dấu tab hoặc xuống dòng như một "
                          "công thức bảng tính: hãy bỏ ký tự đầu đó.",
    "err_import_too_many_rows": "Tệp có hơn {rows} dòng: hãy chia thành các tệp nhỏ hơn.",
    "err_import_xlsx_too_big": "Tệp Excel này khi giải nén lớn hơn nhiều so với một danh sách "
                               "người hay công việc: đã bị từ chối.",
    "err_import_code_twice": "Mã {code} xuất hiện hai lần trong tệp.",
    "err_import_date_cell": "Cột {column} chứa ngày tháng: các cột có đúng thứ tự không?",
    "err_import_not_a_date": "“{value}” ở cột {column} không phải là ngày (dd/mm/yyyy hoặc "
    "yyyy-mm-dd).",
    "err_import_not_text": "“{value}” ở cột {column} không phải là mã (mã là chữ hoặc số "
                           "nguyên).",
    "err_import_no_title_column": "Dòng đầu cần có cột tiêu đề (Tiêu đề / title).",
    "err_import_no_code": "Không có nhân viên mã {code}.",
    "err_import_not_your_department": "{code} không thuộc phòng ban của bạn.",
    "err_import_own_department": "Bạn chỉ được giao việc cho phòng ban của mình.",
    "err_import_priority": "Ưu tiên “{value}” không phải 0-2 / thấp / thường / cao.",
    "err_import_due": "Hạn “{value}” không đúng dạng YYYY-MM-DD hoặc YYYY-MM-DD HH:MM.",
    "err_pin_needs_code": "Hãy đặt mã nhân viên trước: thiết bị hỏi mã nhân viên cùng "
                          "mã PIN.",
    "err_person_inactive": "{name} đã nghỉ việc (đã ngừng).",
    "err_pin_format": "Mã PIN gồm {low} đến {high} chữ số (0-9).",
    "err_pin_trivial": "Mã PIN này quá dễ đoán (chữ số lặp lại, dãy liên tiếp như 1234, hoặc "
                       "cặp lặp như 1212). Hãy chọn mã khác.",
    "err_pins_differ": "Hai lần nhập mã PIN không khớp.",
    "err_zip_unreadable": "Tệp tải lên không phải là tệp ZIP đọc được.",
    "err_zip_too_many": "Tệp ZIP có {count} tệp; tối đa {limit}.",
    "err_zip_absolute": "Mục “{member}” trong tệp ZIP có đường dẫn tuyệt đối.",
    "err_zip_outside": "Mục “{member}” trong tệp ZIP trỏ ra ngoài thư mục của tệp (..).",
    "err_zip_link": "Mục “{member}” trong tệp ZIP là liên kết tượng trưng.",
    "err_consent_incomplete": "Ghi nhận đồng ý cần cả phiên bản thông báo và người thu thập.",
    "err_username_needed": "Cần có tên đăng nhập.",
    "err_password_short": "Mật khẩu cần ít nhất {chars} ký tự.",
    "err_leader_department": "Lãnh đạo cần có phòng ban.",
    "err_staff_person": "Tài khoản nhân viên cần gắn với người dùng nó.",
    "err_user_exists": "Tên đăng nhập {name} đã có người dùng.",
    "err_last_admin": "Đây là quản trị viên cuối cùng: hãy tạo quản trị viên khác trước.",
    "err_not_a_time_of_day": "“{value}” không phải là giờ HH:MM.",
    "err_name_needed": "Cần có tên.",
    "err_working_days": "Ngày làm là các số từ 0 (thứ Hai) đến 6 (Chủ nhật), cách nhau bằng "
                        "dấu phẩy, ví dụ 0,1,2,3,4.",
    "err_grace_negative": "Thời gian cho phép không được âm.",
    "err_department_exists": "Phòng ban {name} đã có.",
    "err_assign_one": "Phân ca cho một người hoặc một phòng ban, không phải cả hai.",
    "err_task_title": "Công việc cần có tiêu đề.",
    "err_task_too_long": "Tiêu đề tối đa {title} ký tự, chi tiết tối đa {details} ký tự.",
    "err_task_assignee": "Giao việc cho một người hoặc một phòng ban.",
    "err_department_empty": "Phòng ban {name} không có ai đang làm.",
    "err_code_exists": "Đã có người mang mã {code}.",
    "err_no_shift_type": "Ca làm việc này không còn nữa; hãy tải lại trang.",
    "err_shift_invalid": "Giờ hoặc ngưỡng của ca không hợp lệ.",
    "err_no_assignment": "Phân ca này không còn nữa; hãy tải lại trang.",
    "err_no_holiday": "Ngày lễ này không còn nữa; hãy tải lại trang.",
    "err_models_missing": "Máy chủ chưa cài mô hình nhận dạng khuôn mặt: không thể đăng ký.",
    "err_already_enrolled_as": "Khuôn mặt này đã được đăng ký cho {names}. Nếu là hai người khác "
                               "nhau (sinh đôi, anh chị em), quản trị viên xác nhận và cả hai "
                               "sẽ cần khuôn mặt kèm mã.",
    "err_chip_not_encoded": "Không lưu được ảnh khuôn mặt; hãy thử lại.",
    "err_person_erased": "Người này đã bị xoá dữ liệu trên máy chủ; không nhận bản tải lên.",
    "err_no_chip": "Ảnh khuôn mặt này không còn nữa; hãy tải lại trang.",
    "err_no_kiosk_enrolment": "Lượt đăng ký tại thiết bị này không còn nữa; hãy tải lại trang.",
    "err_enrolment_decided": "Lượt đăng ký này đã được xử lý; hãy tải lại trang.",
    "err_enrolment_person_gone": "Người của lượt đăng ký này không còn nữa.",
    "err_bad_provisioning_code": "Mã cài đặt không đúng, đã dùng hoặc đã hết hạn.",
    "err_bad_kiosk_credential": "Thông tin xác thực của thiết bị không hợp lệ.",
    "err_kiosk_revoked": "Thiết bị {name} đã bị thu hồi.",
    "err_consent_other_person": "Ghi nhận đồng ý này thuộc về người khác.",
    "err_consent_withdrawn": "Ghi nhận đồng ý này đã bị rút lại; hãy ghi nhận đồng ý mới trước.",
    "err_bad_embeddings": "Dữ liệu khuôn mặt tải lên không đúng định dạng.",
    "err_templates_stored": "Các mẫu khuôn mặt này đã được lưu cho một lượt đăng ký khác.",
    "err_not_a_folder": "{folder} không phải là thư mục.",
    "err_due_needs_zone": "Thời hạn cần có múi giờ.",
    "err_external_id_length": "Mã tham chiếu ngoài dài từ 1 đến 200 ký tự.",
    "err_no_default_site": "Chưa có địa điểm mặc định: hãy chạy `sync-server migrate`.",
    "err_wrong_login": "Sai tên đăng nhập hoặc mật khẩu.",
    "err_no_user": "Tài khoản này không còn nữa; hãy tải lại trang.",
    "err_no_kiosk": "Thiết bị này không còn nữa; hãy tải lại trang.",
    "err_no_snapshot": "Lượt bị từ chối này không có ảnh chụp.",
    "err_choose_punch": "Hãy chọn ít nhất một lượt chấm chờ duyệt.",
    "err_punch_unknown_person": "Lượt chấm của người không tồn tại không thể được tính: hãy "
                                "từ chối nó.",
    "err_no_task": "Công việc này không còn nữa.",
    "err_task_closed": "Công việc này đã đóng: hãy mở lại trước.",
    "err_task_ack_at_kiosk": "Chỉ người được giao mới xác nhận công việc, tại thiết bị.",
    "err_task_priority": "Mức ưu tiên là thấp, bình thường hoặc cao.",
    "err_zip_too_big": "Tệp ZIP giải nén sẽ lớn hơn {limit_mb} MB.",
    "err_zip_member_too_big": "Mục “{member}” trong tệp ZIP quá lớn hoặc nén quá mức.",
    "err_zip_member_unreadable": "Không đọc được mục “{member}” trong tệp ZIP.",
    "err_kiosk_exists": "Đã có thiết bị khác tên {name}.",
    "err_kiosk_provisioned": "Thiết bị {name} đã được cài đặt: hãy thu hồi trước, hoặc chọn "
                             "tên khác.",
    "err_unknown_role": "Hãy chọn một vai trò trong danh sách.",
    "err_formula_name": "Họ tên không được bắt đầu bằng =, +, -, @, tab hoặc xuống dòng (bảng "
                        "tính có thể chạy nó như công thức).",
    "err_formula_code": "Mã nhân viên không được bắt đầu bằng =, +, -, @, tab hoặc xuống dòng "
                        "(bảng tính có thể chạy nó như công thức).",
    "err_formula_department": "Phòng ban không được bắt đầu bằng =, +, -, @, tab hoặc xuống "
                              "dòng (bảng tính có thể chạy nó như công thức).",
    "err_consent_too_long": "Phiên bản thông báo (64) hoặc người thu thập (200) quá dài.",
    "err_no_consent": "Chưa có ghi nhận đồng ý của người này: hãy điền phiên bản thông báo "
                      "họ đã đồng ý và người thu thập.",
    "err_too_few_photos": "Chỉ {accepted} ảnh được nhận; cần ít nhất {needed} ảnh.",
    "err_zip_no_person": "Không có nhân viên mã {code}.",
    "err_unknown_correction": "Loại điều chỉnh không hợp lệ.",
    "err_not_an_id": "Lựa chọn không hợp lệ; hãy tải lại trang.",
    "err_csrf": "Biểu mẫu đã hết hạn; hãy tải lại trang và thử lại.",
    "err_role_refused": "Hãy hỏi quản trị viên nếu bạn cần trang này.",
    "err_not_yours": "Hồ sơ này thuộc về người mà bạn không được xem.",
    "err_own_department": "Lãnh đạo chỉ giao việc cho phòng ban của mình.",
    "err_other_department": "Công việc này thuộc phòng ban khác.",
    "err_no_access_request": "Yêu cầu truy cập dữ liệu này không còn nữa; hãy tải lại trang.",
    "err_admin_exists": "Đã có quản trị viên tên {name}.",
    "err_webhook_url": "Địa chỉ webhook bắt đầu bằng http:// hoặc https:// và dài tối đa 500 "
                       "ký tự.",
    "err_no_erasure": "Lượt xóa dữ liệu này không còn nữa; hãy tải lại trang.",
    "err_integration_name": "Kết nối cần có tên dài 1 đến 100 ký tự (không phải “web” hay "
                            "“import”).",
    "err_integration_exists": "Đã có kết nối tên {name}.",
    "err_bad_integration_token": "Mã truy cập của kết nối không đúng hoặc đã bị thu hồi.",
    "err_unsigned_request": "Yêu cầu chưa được ký (cần X-Signature, X-Timestamp và X-Nonce).",
    "err_bad_nonce": "Số dùng một lần của yêu cầu (X-Nonce) phải dài 8 đến 100 ký tự.",
    "err_unknown_integration": "Không có kết nối đang hoạt động tên {name}.",
    "err_bad_signature": "Chữ ký của yêu cầu không đúng.",
    "err_bad_timestamp": "Thời điểm của yêu cầu (X-Timestamp) phải tính bằng giây Unix.",
    "err_stale_request": "Thời điểm của yêu cầu lệch {seconds} giây so với đồng hồ máy chủ: "
                         "hãy kiểm tra đồng hồ của bên gửi.",
    "err_replayed_request": "Yêu cầu này đã được nhận rồi (số dùng một lần đã được dùng).",
    "err_no_subscription": "Đăng ký webhook này không còn nữa; hãy tải lại trang.",
    "err_data_key_unavailable": "Không có khóa dữ liệu của máy chủ nên không thể đọc hay lưu "
                                "dữ liệu khuôn mặt: quản trị viên cần khôi phục khóa.",
    "err_cursor_beyond_feed": "Dữ liệu của thiết bị đi trước máy chủ: thiết bị cần tải lại từ "
                              "đầu.",
    "err_resync_required": "Thiết bị đã chuyển sang địa điểm khác: thiết bị cần tải lại danh "
                           "sách người.",
    "err_too_many_enrolments": "Thiết bị này đã gửi {count} lượt đăng ký của người này trong "
                               "24 giờ qua (tối đa {limit}).",
    "err_consent_before_withdrawal": "Đồng ý ngày {given} có trước lần rút lại đồng ý ngày "
                                     "{withdrawn}: chỉ đồng ý sau ngày đó mới có hiệu lực.",
    "err_rolling_needs_enrolment": "{name} chưa có đăng ký khuôn mặt được duyệt: mẫu mới từ "
                                   "thiết bị chỉ làm mới một đăng ký đã có.",
    "err_consent_not_valid": "Ghi nhận đồng ý này không phải là đồng ý hợp lệ của người này.",
    "err_rolling_one_embedding": "Mẫu làm mới là đúng một mẫu khuôn mặt, không kèm ảnh và "
                                 "không tạo người mới.",
    "err_rolling_lookalike": "Mẫu mới giống một người khác ({name}): không được giữ lại.",
    "err_rolling_too_soon": "Người này đã được làm mới mẫu khuôn mặt trong 24 giờ qua.",
    "err_login_required": "Vui lòng đăng nhập.",
}
