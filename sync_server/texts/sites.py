"""Catalogue entries of the sites' words: the Sites page, the site pickers on the kiosk,
department and person forms, a person's rolling templates, their refusals and audit
sentences (merged into
``sync_server.texts.TEXTS``)."""

from __future__ import annotations

EN = {
    "sites": "Sites", "site": "Site", "site_name": "Site name", "new_site": "New site",
    "default_site": "default", "site_people": "People", "site_kiosks": "Kiosks",
    "site_by_department": "(by department)", "site_unchanged": "(unchanged)",
    "sites_help": "Each kiosk holds only the people of its site: a person's own site if set, "
                  "else their department's site, else the default site.",
    "site_move_kiosk_help": "Moving a kiosk makes it load its new site's people again.",
    "err_site_exists": "A site named “{name}” already exists.",
    "err_site_unknown": "That site does not exist.",
    "audit_site_create": "{actor} created the site {name}",
    "audit_site_rename": "{actor} renamed the site {old} to {name}",
    "audit_kiosk_site": "{actor} moved the kiosk {name}",
    "audit_department_site": "{actor} moved the department {name}",
    "audit_person_site": "{actor} moved {person} to the site {name}",
    "rolling_templates": "Refreshed face templates", "rolling_added": "Added",
    "rolling_kiosk": "From kiosk", "rolling_remove": "Remove",
    "rolling_none": "No refreshed templates.",
    "rolling_help": "Added by a kiosk at a confident, live check-in (at most 3, the oldest "
                    "replaced); they never replace the enrolment photos.",
    "rolling_remove_help": "Remove this refreshed template? Every kiosk drops it at its next "
                           "sync.",
    "err_no_rolling_template": "That refreshed template no longer exists.",
    "audit_person_rolling_template": "{actor} added a refreshed template for {person}",
    "audit_person_rolling_template_remove": "{actor} removed a refreshed template of {person}",
}

VI = {
    "sites": "Địa điểm", "site": "Địa điểm", "site_name": "Tên địa điểm",
    "new_site": "Thêm địa điểm", "default_site": "mặc định", "site_people": "Số người",
    "site_kiosks": "Thiết bị", "site_by_department": "(theo phòng ban)",
    "site_unchanged": "(giữ nguyên)",
    "sites_help": "Mỗi thiết bị chỉ giữ dữ liệu của người thuộc địa điểm của nó: địa điểm "
                  "riêng của người đó nếu có, nếu không thì địa điểm của phòng ban, nếu không "
                  "thì địa điểm mặc định.",
    "site_move_kiosk_help": "Chuyển thiết bị sang địa điểm khác thì thiết bị tải lại danh "
                            "sách người của địa điểm mới.",
    "err_site_exists": "Đã có địa điểm tên “{name}”.",
    "err_site_unknown": "Địa điểm này không tồn tại.",
    "audit_site_create": "{actor} đã tạo địa điểm {name}",
    "audit_site_rename": "{actor} đã đổi tên địa điểm {old} thành {name}",
    "audit_kiosk_site": "{actor} đã chuyển thiết bị {name}",
    "audit_department_site": "{actor} đã chuyển phòng ban {name}",
    "audit_person_site": "{actor} đã chuyển {person} sang địa điểm {name}",
    "rolling_templates": "Mẫu khuôn mặt làm mới", "rolling_added": "Thêm lúc",
    "rolling_kiosk": "Từ thiết bị", "rolling_remove": "Gỡ bỏ",
    "rolling_none": "Chưa có mẫu khuôn mặt làm mới.",
    "rolling_help": "Thiết bị thêm mẫu khi chấm công chắc chắn, có người thật (tối đa 3, mẫu "
                    "cũ nhất được thay); không bao giờ thay ảnh đăng ký.",
    "rolling_remove_help": "Gỡ bỏ mẫu khuôn mặt làm mới này? Mọi thiết bị sẽ xóa mẫu ở lần "
                           "đồng bộ tiếp theo.",
    "err_no_rolling_template": "Mẫu khuôn mặt làm mới này không còn nữa.",
    "audit_person_rolling_template": "{actor} đã thêm mẫu khuôn mặt làm mới cho {person}",
    "audit_person_rolling_template_remove": "{actor} đã gỡ một mẫu khuôn mặt làm mới của "
                                            "{person}",
}
